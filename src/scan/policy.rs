//! Which globals a pickle may import: the rebuild functions and classes of PyTorch, NumPy, collections and
//! scikit-learn are safe; a list of modules and functions that run code, touch files or the network, or load
//! another pickle is dangerous; everything else is unknown. A standard-library *function* outside the safe list
//! that the pickle calls is dangerous too: the standard library is where the published bypasses of blocklists
//! live (uuid, imaplib, _osx_support, idlelib, lib2to3, doctest, trace, ...), so aitrust does not wait for the
//! next one to be listed.
//!
//! Sources for the lists: PyTorch's `weights_only` unpickler allowlist (torch/_weights_only_unpickler.py),
//! picklescan's and modelscan's published blocklists, and the GHSA advisories in the picklescan corpus.

/// What aitrust makes of one global.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    /// A rebuild function or data class of the libraries models are saved with.
    Safe,
    /// Neither known safe nor known dangerous.
    Unknown,
    /// Runs code, reaches the file system or network, or loads more pickles.
    Dangerous,
}

/// Modules whose every global is dangerous (and their submodules).
const DANGEROUS_MODULES: &[&str] = &[
    "os",
    "posix",
    "nt",
    "subprocess",
    "_posixsubprocess",
    "sys",
    "socket",
    "_socket",
    "shutil",
    "runpy",
    "pty",
    "commands",
    "webbrowser",
    "code",
    "codeop",
    "pdb",
    "bdb",
    "pydoc",
    "importlib",
    "imp",
    "pip",
    "ctypes",
    "_ctypes",
    "asyncio",
    "aiohttp",
    "httplib",
    "http",
    "urllib",
    "urllib2",
    "requests",
    "ssl",
    "smtplib",
    "ftplib",
    "telnetlib",
    "poplib",
    "nntplib",
    "imaplib",
    "xmlrpc",
    "socketserver",
    "multiprocessing",
    "_multiprocessing",
    "concurrent",
    "threading",
    "_thread",
    "signal",
    "pickle",
    "_pickle",
    "cPickle",
    "pickletools",
    "dill",
    "cloudpickle",
    "marshal",
    "shelve",
    "dbm",
    "tempfile",
    "glob",
    "zipimport",
    "pkgutil",
    "modulefinder",
    "linecache",
    "venv",
    "ensurepip",
    "distutils",
    "setuptools",
    "site",
    "sysconfig",
    "platform",
    "uuid",
    "_uuid",
    "_osx_support",
    "_aix_support",
    "_pyrepl",
    "idlelib",
    "lib2to3",
    "doctest",
    "trace",
    "timeit",
    "cProfile",
    "profile",
    "_lsprof",
    "test",
    "unittest",
    "builtins.__import__",
    "numpy.f2py",
    "numpy.testing",
    "numpy.distutils",
    "torch.hub",
    "torch._inductor",
    "torch._dynamo",
    "torch.utils.collect_env",
    "torch.utils.bottleneck",
    "torch.utils.data.datapipes.utils.decoder",
    "torch.jit.unsupported_tensor_ops",
    "torch.package",
    "keras.src.utils",
    "joblib.load",
    "fileinput",
    "filecmp",
    "mailcap",
    "pipes",
    "tkinter",
    "turtle",
    "crypt",
    "syslog",
    "resource",
    "gc",
    "inspect",
    "ast",
    "dis",
    "py_compile",
    "compileall",
    "zipfile",
    "tarfile",
    "gzip",
    "bz2",
    "lzma",
    "wsgiref",
    "cgi",
    "cgitb",
    "logging.config",
    "_io",
    "io",
    "mmap",
    "fcntl",
    "termios",
    "tty",
    "select",
    "selectors",
    "readline",
    "rlcompleter",
    "sched",
    "atexit",
    "faulthandler",
    "tracemalloc",
    "gettext",
];

/// Single dangerous globals in modules that are otherwise ordinary.
const DANGEROUS_NAMES: &[(&str, &str)] = &[
    ("builtins", "eval"),
    ("builtins", "exec"),
    ("builtins", "execfile"),
    ("builtins", "compile"),
    ("builtins", "open"),
    ("builtins", "getattr"),
    ("builtins", "setattr"),
    ("builtins", "delattr"),
    ("builtins", "apply"),
    ("builtins", "breakpoint"),
    ("builtins", "__import__"),
    ("builtins", "input"),
    ("builtins", "globals"),
    ("builtins", "locals"),
    ("builtins", "vars"),
    ("builtins", "memoryview"),
    ("builtins", "help"),
    ("builtins", "exit"),
    ("builtins", "quit"),
    ("types", "CodeType"),
    ("types", "FunctionType"),
    ("types", "MethodType"),
    ("types", "ModuleType"),
    ("types", "LambdaType"),
    ("functools", "partial"),
    ("functools", "reduce"),
    ("operator", "attrgetter"),
    ("operator", "itemgetter"),
    ("operator", "methodcaller"),
    ("_operator", "attrgetter"),
    ("_operator", "itemgetter"),
    ("_operator", "methodcaller"),
    ("logging", "FileHandler"),
    ("logging", "handlers"),
    ("copyreg", "_reconstructor_unsafe"),
    ("torch.serialization", "load"),
    ("torch", "load"),
    ("torch.storage", "_load_from_bytes"),
    ("torch.utils._config_module", "ConfigModule"),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv"),
    ("numpy", "load"),
    ("numpy.lib.npyio", "load"),
    ("pandas", "read_pickle"),
    ("pandas.io.pickle", "read_pickle"),
    ("joblib", "load"),
    ("keras.models", "load_model"),
];

/// Safe globals by exact name.
const SAFE_NAMES: &[(&str, &str)] = &[
    ("collections", "OrderedDict"),
    ("collections", "defaultdict"),
    ("collections", "Counter"),
    ("collections", "deque"),
    ("_codecs", "encode"),
    ("codecs", "encode"),
    ("copyreg", "_reconstructor"),
    ("copyreg", "__newobj__"),
    ("copyreg", "__newobj_ex__"),
    ("builtins", "object"),
    ("builtins", "set"),
    ("builtins", "frozenset"),
    ("builtins", "bytearray"),
    ("builtins", "bytes"),
    ("builtins", "slice"),
    ("builtins", "complex"),
    ("builtins", "range"),
    ("builtins", "dict"),
    ("builtins", "list"),
    ("builtins", "tuple"),
    ("builtins", "int"),
    ("builtins", "float"),
    ("builtins", "str"),
    ("builtins", "bool"),
    ("builtins", "type"),
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("fractions", "Fraction"),
    ("argparse", "Namespace"),
    ("pathlib", "Path"),
    ("pathlib", "PosixPath"),
    ("pathlib", "WindowsPath"),
    ("pathlib", "PurePosixPath"),
    ("pathlib", "PureWindowsPath"),
    ("re", "_compile"),
    ("array", "_array_reconstructor"),
    ("array", "array"),
    ("enum", "Enum"),
    ("torch", "Size"),
    ("torch", "device"),
    ("torch", "dtype"),
    ("torch", "Tensor"),
    ("torch", "finfo"),
    ("torch", "iinfo"),
    ("torch", "layout"),
    ("torch", "memory_format"),
    ("torch", "strided"),
    ("torch", "sparse_coo"),
    ("torch", "contiguous_format"),
    ("torch", "channels_last"),
    ("torch", "preserve_format"),
    ("torch.nn.parameter", "Parameter"),
    ("torch.nn.parameter", "Buffer"),
    ("torch.nn.parameter", "UninitializedParameter"),
    ("numpy", "ndarray"),
    ("numpy", "dtype"),
    ("numpy", "float64"),
    ("numpy", "float32"),
    ("numpy", "int64"),
    ("numpy", "int32"),
    ("numpy", "bool_"),
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy.core.multiarray", "scalar"),
    ("numpy._core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "scalar"),
    ("numpy.core.numeric", "_frombuffer"),
    ("numpy._core.numeric", "_frombuffer"),
    ("numpy.random._pickle", "__randomstate_ctor"),
    ("numpy.random._pickle", "__bit_generator_ctor"),
    ("numpy.random._pickle", "__generator_ctor"),
    ("joblib.numpy_pickle", "NumpyArrayWrapper"),
    ("joblib.numpy_pickle", "ArrayWrapper"),
    ("scipy.sparse._csr", "csr_matrix"),
    ("scipy.sparse._csc", "csc_matrix"),
];

/// The torch dtype names pickled as `torch.<name>`.
const TORCH_DTYPES: &[&str] = &[
    "float16",
    "float32",
    "float64",
    "bfloat16",
    "half",
    "float",
    "double",
    "complex32",
    "complex64",
    "complex128",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "int8",
    "int16",
    "int32",
    "int64",
    "short",
    "int",
    "long",
    "bool",
    "qint8",
    "quint8",
    "qint32",
    "quint4x2",
    "float8_e4m3fn",
    "float8_e5m2",
    "float8_e4m3fnuz",
    "float8_e5m2fnuz",
];

/// Python's standard library (`sys.stdlib_module_names` of CPython 3.11, and Python 2 names pickles still carry).
const STDLIB: &[&str] = &[
    "__builtin__",
    "__future__",
    "_abc",
    "_aix_support",
    "_ast",
    "_asyncio",
    "_bisect",
    "_blake2",
    "_bootsubprocess",
    "_bz2",
    "_codecs",
    "_collections",
    "_collections_abc",
    "_compat_pickle",
    "_compression",
    "_contextvars",
    "_crypt",
    "_csv",
    "_ctypes",
    "_curses",
    "_datetime",
    "_dbm",
    "_decimal",
    "_elementtree",
    "_frozen_importlib",
    "_frozen_importlib_external",
    "_functools",
    "_gdbm",
    "_hashlib",
    "_heapq",
    "_imp",
    "_io",
    "_json",
    "_locale",
    "_lsprof",
    "_lzma",
    "_markupbase",
    "_md5",
    "_multibytecodec",
    "_multiprocessing",
    "_opcode",
    "_operator",
    "_osx_support",
    "_pickle",
    "_posixshmem",
    "_posixsubprocess",
    "_py_abc",
    "_pydecimal",
    "_pyio",
    "_pyrepl",
    "_queue",
    "_random",
    "_sha1",
    "_sha256",
    "_sha3",
    "_sha512",
    "_signal",
    "_sitebuiltins",
    "_socket",
    "_sqlite3",
    "_sre",
    "_ssl",
    "_stat",
    "_statistics",
    "_string",
    "_strptime",
    "_struct",
    "_symtable",
    "_thread",
    "_threading_local",
    "_tkinter",
    "_tokenize",
    "_tracemalloc",
    "_typing",
    "_uuid",
    "_warnings",
    "_weakref",
    "_weakrefset",
    "_winapi",
    "_zoneinfo",
    "abc",
    "aifc",
    "antigravity",
    "argparse",
    "array",
    "ast",
    "asynchat",
    "asyncio",
    "asyncore",
    "atexit",
    "audioop",
    "base64",
    "bdb",
    "binascii",
    "bisect",
    "builtins",
    "bz2",
    "cPickle",
    "cProfile",
    "calendar",
    "cgi",
    "cgitb",
    "chunk",
    "cmath",
    "cmd",
    "code",
    "codecs",
    "codeop",
    "collections",
    "colorsys",
    "commands",
    "compileall",
    "concurrent",
    "configparser",
    "contextlib",
    "contextvars",
    "copy",
    "copy_reg",
    "copyreg",
    "crypt",
    "csv",
    "ctypes",
    "curses",
    "dataclasses",
    "datetime",
    "dbm",
    "decimal",
    "difflib",
    "dis",
    "distutils",
    "doctest",
    "email",
    "encodings",
    "ensurepip",
    "enum",
    "errno",
    "faulthandler",
    "fcntl",
    "filecmp",
    "fileinput",
    "fnmatch",
    "fractions",
    "ftplib",
    "functools",
    "gc",
    "genericpath",
    "getopt",
    "getpass",
    "gettext",
    "glob",
    "graphlib",
    "grp",
    "gzip",
    "hashlib",
    "heapq",
    "hmac",
    "html",
    "http",
    "httplib",
    "idlelib",
    "imaplib",
    "imghdr",
    "imp",
    "importlib",
    "inspect",
    "io",
    "ipaddress",
    "itertools",
    "json",
    "keyword",
    "lib2to3",
    "linecache",
    "locale",
    "logging",
    "lzma",
    "mailbox",
    "mailcap",
    "marshal",
    "math",
    "mimetypes",
    "mmap",
    "modulefinder",
    "msilib",
    "msvcrt",
    "multiprocessing",
    "netrc",
    "nis",
    "nntplib",
    "nt",
    "ntpath",
    "nturl2path",
    "numbers",
    "opcode",
    "operator",
    "optparse",
    "os",
    "ossaudiodev",
    "pathlib",
    "pdb",
    "pickle",
    "pickletools",
    "pipes",
    "pkgutil",
    "platform",
    "plistlib",
    "poplib",
    "posix",
    "posixpath",
    "pprint",
    "profile",
    "pstats",
    "pty",
    "pwd",
    "py_compile",
    "pyclbr",
    "pydoc",
    "pydoc_data",
    "pyexpat",
    "queue",
    "quopri",
    "random",
    "re",
    "readline",
    "reprlib",
    "resource",
    "rlcompleter",
    "runpy",
    "sched",
    "secrets",
    "select",
    "selectors",
    "shelve",
    "shlex",
    "shutil",
    "signal",
    "site",
    "smtpd",
    "smtplib",
    "sndhdr",
    "socket",
    "socketserver",
    "spwd",
    "sqlite3",
    "sre_compile",
    "sre_constants",
    "sre_parse",
    "ssl",
    "stat",
    "statistics",
    "string",
    "stringprep",
    "struct",
    "subprocess",
    "sunau",
    "symtable",
    "sys",
    "sysconfig",
    "syslog",
    "tabnanny",
    "tarfile",
    "telnetlib",
    "tempfile",
    "termios",
    "test",
    "textwrap",
    "this",
    "threading",
    "time",
    "timeit",
    "tkinter",
    "token",
    "tokenize",
    "tomllib",
    "trace",
    "traceback",
    "tracemalloc",
    "tty",
    "turtle",
    "turtledemo",
    "types",
    "typing",
    "unicodedata",
    "unittest",
    "urllib",
    "urllib2",
    "uu",
    "uuid",
    "venv",
    "warnings",
    "wave",
    "weakref",
    "webbrowser",
    "winreg",
    "winsound",
    "wsgiref",
    "xdrlib",
    "xml",
    "xmlrpc",
    "zipapp",
    "zipfile",
    "zipimport",
    "zlib",
    "zoneinfo",
];

/// `__builtin__` and `copy_reg` are Python 2's names for `builtins` and `copyreg`.
fn canonical_module(module: &str) -> &str {
    match module {
        "__builtin__" => "builtins",
        "copy_reg" => "copyreg",
        other => other,
    }
}

fn within(module: &str, prefix: &str) -> bool {
    module == prefix
        || module
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// Is the top-level package of `module` part of Python's standard library?
pub fn is_stdlib(module: &str) -> bool {
    let top = module.split('.').next().unwrap_or(module);
    STDLIB.contains(&top)
}

/// Classifies `module.name` (`name` may be dotted: `Class.method`).
pub fn classify(module: &str, name: &str, allowed: &[String]) -> Class {
    let module = canonical_module(module.trim());
    let name = name.trim();
    let full = format!("{module}.{name}");
    let allows = |a: &String| match a.strip_suffix(".*") {
        Some(prefix) => within(module, prefix),
        None => *a == full,
    };
    if allowed.iter().any(allows) {
        return Class::Safe;
    }
    // a dunder attribute anywhere in the path reaches interpreter internals (`object.__subclasses__`)
    if name
        .split('.')
        .any(|part| part.starts_with("__") && part.ends_with("__") && part.len() > 4)
        && !matches!((module, name), ("copyreg", "__newobj__" | "__newobj_ex__"))
        && !name.starts_with("__randomstate_ctor")
        && !name.starts_with("__bit_generator_ctor")
        && !name.starts_with("__generator_ctor")
    {
        return Class::Dangerous;
    }
    let first = name.split('.').next().unwrap_or(name);
    if DANGEROUS_MODULES
        .iter()
        .any(|m| within(module, m) || within(&full, m))
    {
        return Class::Dangerous;
    }
    if DANGEROUS_NAMES
        .iter()
        .any(|(m, n)| module == *m && (first == *n || name == *n))
    {
        return Class::Dangerous;
    }
    if name.contains('.') {
        // `Class.method` resolved through attributes: a method handed to the unpickler as a callable
        return if is_stdlib(module) {
            Class::Dangerous
        } else {
            Class::Unknown
        };
    }
    if SAFE_NAMES.iter().any(|(m, n)| module == *m && name == *n) {
        return Class::Safe;
    }
    if module == "torch"
        && (TORCH_DTYPES.contains(&name) || name.ends_with("Storage") || name.ends_with("Tensor"))
    {
        return Class::Safe;
    }
    if (module == "torch._utils" || module == "torch._tensor") && name.starts_with("_rebuild_") {
        return Class::Safe;
    }
    if module == "torch.storage" && (name == "UntypedStorage" || name == "TypedStorage") {
        return Class::Safe;
    }
    // scikit-learn estimators and NumPy scalar and array classes: classes, rebuilt by their own __setstate__
    let class_like = first.chars().next().is_some_and(char::is_uppercase);
    if (within(module, "sklearn") || within(module, "numpy") || within(module, "scipy")) && class_like {
        return Class::Safe;
    }
    Class::Unknown
}

/// A global that is called (REDUCE, NEWOBJ, INST, OBJ): an unknown *function* of the standard library is treated
/// as dangerous (the standard library is full of helpers that run commands); an unknown class stays unknown.
pub fn classify_call(module: &str, name: &str, allowed: &[String]) -> Class {
    let class = classify(module, name, allowed);
    if class != Class::Unknown {
        return class;
    }
    let module = canonical_module(module.trim());
    let function = name.chars().next().is_some_and(|c| c.is_lowercase() || c == '_');
    if is_stdlib(module) && function {
        Class::Dangerous
    } else {
        Class::Unknown
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_say_what_they_mean() {
        let none: &[String] = &[];
        assert_eq!(classify("os", "system", none), Class::Dangerous);
        assert_eq!(classify("posix", "system", none), Class::Dangerous);
        assert_eq!(classify("__builtin__", "eval", none), Class::Dangerous);
        assert_eq!(classify("builtins", "getattr", none), Class::Dangerous);
        assert_eq!(classify("torch._utils", "_rebuild_tensor_v2", none), Class::Safe);
        assert_eq!(classify("torch", "FloatStorage", none), Class::Safe);
        assert_eq!(classify("collections", "OrderedDict", none), Class::Safe);
        assert_eq!(classify("sklearn.pipeline", "Pipeline", none), Class::Safe);
        assert_eq!(
            classify("builtins", "object.__subclasses__", none),
            Class::Dangerous
        );
        assert_eq!(
            classify("code", "InteractiveInterpreter.runcode", none),
            Class::Dangerous
        );
        assert_eq!(classify("mylib", "Model", none), Class::Unknown);
        assert_eq!(
            classify("mylib", "Model", &["mylib.Model".to_string()]),
            Class::Safe
        );
        assert_eq!(classify_call("statistics", "mode", none), Class::Dangerous);
        assert_eq!(classify_call("mylib", "helper", none), Class::Unknown);
        assert_eq!(classify_call("collections", "OrderedDict", none), Class::Safe);
    }
}
