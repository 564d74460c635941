//! A pickle machine that never runs anything: it interprets the opcodes of protocols 0–5 over a model of the
//! stack and the memo, so that it knows every global the unpickler would import and every call it would make,
//! however the names are spelled (GLOBAL lines, STACK_GLOBAL over memoised or duplicated strings, INST), and
//! what cannot be known (a STACK_GLOBAL over computed values, an extension code from copyreg's registry).
//!
//! It reads a stream once, opcode by opcode, keeping only short strings (module and attribute names): a 10 GB
//! pickle costs its reading time and bounded memory. Concatenated pickles are read one after another, as
//! loaders that call `load` repeatedly (PyTorch's legacy format) would; bytes after the last one are reported
//! as trailing data, never interpreted.

use std::io::{BufRead, Read};

/// The longest string kept in the model; longer ones are skipped (names are never that long).
const KEEP: usize = 4096;
/// The deepest stack and the most memo entries a pickle may build before it is called malformed.
const STACK_LIMIT: usize = 1 << 20;
const MEMO_LIMIT: usize = 1 << 22;
/// The most pickles read from one stream.
const PICKLES_LIMIT: usize = 64;
/// The most bytes of strings the model keeps (DUP and GET copy without reading input): past it strings are kept
/// as opaque objects, so a name built from one is reported as computed (fail closed), never lost.
const KEPT_LIMIT: usize = 64 << 20;

/// A value on the model's stack: only what decides which globals are reached is kept.
#[derive(Clone, Debug, PartialEq)]
enum Value {
    /// A string or bytes value short enough to keep.
    Str(String),
    /// The global with this index in the report.
    Global(usize),
    /// What a call returned (the index of the call), or another object.
    Object,
    /// A MARK.
    Mark,
}

/// How a global was reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Via {
    /// GLOBAL (`c` module\nname\n).
    Global,
    /// STACK_GLOBAL over two strings.
    StackGlobal,
    /// INST (`i` module\nname\n), which also calls it.
    Inst,
}

/// One import the unpickler would perform.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Import {
    /// The module.
    pub module: String,
    /// The attribute (may be dotted).
    pub name: String,
    /// Byte offset of the opcode in the stream.
    pub offset: u64,
    /// How.
    pub via: Via,
    /// Whether the unpickler would call it (REDUCE, NEWOBJ, NEWOBJ_EX, INST, OBJ).
    pub called: bool,
}

/// Something the model cannot resolve, or a malformed stream.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    /// Byte offset.
    pub offset: u64,
    /// What.
    pub what: String,
    /// A construct that could import or call anything (dynamic global, extension code, call of a computed
    /// object), as opposed to a malformed stream.
    pub unresolved: bool,
}

/// What a pickle stream would do when loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Every import, in order.
    pub imports: Vec<Import>,
    /// Unresolvable constructs and malformations.
    pub problems: Vec<Problem>,
    /// Pickles read (a STOP each).
    pub pickles: usize,
    /// The highest protocol announced.
    pub protocol: u8,
    /// Bytes read.
    pub length: u64,
    /// Bytes after the last pickle that are not one.
    pub trailing: u64,
    /// Persistent ids the stream loads (PyTorch's storages): not code, listed for completeness.
    pub persistent_ids: usize,
}

/// A reader that counts what it has consumed.
struct Counted<R> {
    inner: R,
    offset: u64,
}

impl<R: BufRead> Counted<R> {
    fn byte(&mut self) -> std::io::Result<Option<u8>> {
        let next = self.inner.fill_buf()?.first().copied();
        if next.is_some() {
            self.inner.consume(1);
            self.offset += 1;
        }
        Ok(next)
    }

    fn peek(&mut self) -> std::io::Result<Option<u8>> {
        Ok(self.inner.fill_buf()?.first().copied())
    }

    fn exact(&mut self, n: usize) -> std::io::Result<Vec<u8>> {
        let mut buf = vec![0; n];
        self.inner.read_exact(&mut buf)?;
        self.offset += n as u64;
        Ok(buf)
    }

    fn uint(&mut self, n: usize) -> std::io::Result<u64> {
        let bytes = self.exact(n)?;
        Ok(bytes.iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    /// A line (protocol 0 arguments), bounded.
    fn line(&mut self) -> std::io::Result<String> {
        let mut out = Vec::new();
        loop {
            match self.byte()? {
                Some(b'\n') => break,
                Some(b) if out.len() < KEEP => out.push(b),
                Some(_) => {}
                None => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            }
        }
        if out.last() == Some(&b'\r') {
            out.pop();
        }
        Ok(String::from_utf8_lossy(&out).into_owned())
    }

    /// `n` bytes as a kept string when short, else skipped.
    fn string(&mut self, n: u64) -> std::io::Result<Value> {
        if n as usize <= KEEP && n <= KEEP as u64 {
            let bytes = self.exact(n as usize)?;
            return Ok(Value::Str(String::from_utf8_lossy(&bytes).into_owned()));
        }
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())?;
        self.offset += copied;
        if copied < n {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(Value::Object)
    }
}

/// A quoted protocol-0 string argument (`'os'` or `"os"`), unquoted; escapes are left as they are.
fn unquote(text: &str) -> String {
    let t = text.trim();
    if t.len() >= 2 && (t.starts_with('\'') && t.ends_with('\'') || t.starts_with('"') && t.ends_with('"')) {
        t[1..t.len() - 1].to_string()
    } else {
        t.to_string()
    }
}

struct Machine {
    kept: usize,
    stack: Vec<Value>,
    memo: std::collections::HashMap<u64, Value>,
    report: Report,
}

enum Step {
    Continue,
    Stop,
}

impl Machine {
    fn pop(&mut self, offset: u64) -> Result<Value, Problem> {
        self.stack.pop().ok_or_else(|| Problem {
            offset,
            what: "stack underflow".into(),
            unresolved: false,
        })
    }

    /// Pops to the topmost MARK, returning the items above it.
    fn pop_mark(&mut self, offset: u64) -> Result<Vec<Value>, Problem> {
        match self.stack.iter().rposition(|v| *v == Value::Mark) {
            Some(at) => {
                let items = self.stack.split_off(at + 1);
                self.stack.pop();
                Ok(items)
            }
            None => Err(Problem {
                offset,
                what: "no MARK on the stack".into(),
                unresolved: false,
            }),
        }
    }

    fn push(&mut self, value: Value, offset: u64) -> Result<(), Problem> {
        if self.stack.len() >= STACK_LIMIT {
            return Err(Problem {
                offset,
                what: "the stack grows past one million entries".into(),
                unresolved: false,
            });
        }
        let value = match value {
            Value::Str(text) if self.kept + text.len() > KEPT_LIMIT => {
                drop(text);
                Value::Object
            }
            Value::Str(text) => {
                self.kept += text.len();
                Value::Str(text)
            }
            other => other,
        };
        self.stack.push(value);
        Ok(())
    }

    fn import(&mut self, module: String, name: String, offset: u64, via: Via) -> usize {
        self.report.imports.push(Import {
            module,
            name,
            offset,
            via,
            called: via == Via::Inst,
        });
        self.report.imports.len() - 1
    }

    /// The unpickler calls `callable`: mark the global, or note a call of something the model cannot name.
    fn call(&mut self, callable: &Value, offset: u64, opcode: &str) {
        match callable {
            Value::Global(index) => self.report.imports[*index].called = true,
            Value::Object => self.report.problems.push(Problem {
                offset,
                what: format!("{opcode} calls an object a previous call returned"),
                unresolved: true,
            }),
            Value::Str(_) | Value::Mark => self.report.problems.push(Problem {
                offset,
                what: format!("{opcode} calls a value that is not callable"),
                unresolved: false,
            }),
        }
    }

    fn memo_put(&mut self, index: u64, offset: u64) -> Result<(), Problem> {
        let top = self.stack.last().cloned().ok_or_else(|| Problem {
            offset,
            what: "memoizes an empty stack".into(),
            unresolved: false,
        })?;
        if self.memo.len() >= MEMO_LIMIT && !self.memo.contains_key(&index) {
            return Err(Problem {
                offset,
                what: "the memo grows past four million entries".into(),
                unresolved: false,
            });
        }
        let top = match top {
            Value::Str(text) if self.kept + text.len() > KEPT_LIMIT => Value::Object,
            Value::Str(text) => {
                self.kept += text.len();
                Value::Str(text)
            }
            other => other,
        };
        self.memo.insert(index, top);
        Ok(())
    }

    fn memo_get(&mut self, index: u64, offset: u64) -> Result<(), Problem> {
        let value = self.memo.get(&index).cloned().ok_or_else(|| Problem {
            offset,
            what: format!("reads memo entry {index}, which was never stored"),
            unresolved: false,
        })?;
        self.push(value, offset)
    }

    fn step<R: BufRead>(&mut self, input: &mut Counted<R>, opcode: u8, at: u64) -> Result<Step, Problem> {
        let io = |error: std::io::Error| Problem {
            offset: at,
            what: if error.kind() == std::io::ErrorKind::UnexpectedEof {
                "the pickle is truncated".into()
            } else {
                format!("cannot be read: {error}")
            },
            unresolved: false,
        };
        match opcode {
            b'(' => self.push(Value::Mark, at)?,
            b'.' => return Ok(Step::Stop),
            b'0' => {
                self.pop(at)?;
            }
            b'1' => {
                self.pop_mark(at)?;
            }
            b'2' => {
                let top = self.stack.last().cloned().ok_or_else(|| Problem {
                    offset: at,
                    what: "DUP of an empty stack".into(),
                    unresolved: false,
                })?;
                self.push(top, at)?;
            }
            // numbers and constants
            b'F' | b'I' | b'L' => {
                input.line().map_err(io)?;
                self.push(Value::Object, at)?;
            }
            b'J' => {
                input.exact(4).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            b'K' => {
                input.exact(1).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            b'M' => {
                input.exact(2).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            b'G' => {
                input.exact(8).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            b'N' | 0x88 | 0x89 => self.push(Value::Object, at)?,
            0x8a => {
                let n = input.uint(1).map_err(io)?;
                input.string(n).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            0x8b => {
                let n = input.uint(4).map_err(io)?;
                input.string(n).map_err(io)?;
                self.push(Value::Object, at)?;
            }
            // strings and bytes
            b'S' => {
                let line = input.line().map_err(io)?;
                self.push(Value::Str(unquote(&line)), at)?;
            }
            b'V' => {
                let line = input.line().map_err(io)?;
                self.push(Value::Str(line), at)?;
            }
            b'T' | b'X' | b'B' => {
                let n = input.uint(4).map_err(io)?;
                let value = input.string(n).map_err(io)?;
                self.push(value, at)?;
            }
            b'U' | b'C' | 0x8c => {
                let n = input.uint(1).map_err(io)?;
                let value = input.string(n).map_err(io)?;
                self.push(value, at)?;
            }
            0x8d | 0x8e | 0x96 => {
                let n = input.uint(8).map_err(io)?;
                let value = input.string(n).map_err(io)?;
                self.push(value, at)?;
            }
            // containers
            b']' | b'}' | b')' | 0x8f => self.push(Value::Object, at)?,
            b'l' | b't' | b'd' | 0x91 => {
                self.pop_mark(at)?;
                self.push(Value::Object, at)?;
            }
            0x85 => {
                self.pop(at)?;
                self.push(Value::Object, at)?;
            }
            0x86 => {
                self.pop(at)?;
                self.pop(at)?;
                self.push(Value::Object, at)?;
            }
            0x87 => {
                self.pop(at)?;
                self.pop(at)?;
                self.pop(at)?;
                self.push(Value::Object, at)?;
            }
            b'a' => {
                self.pop(at)?;
            }
            b's' => {
                self.pop(at)?;
                self.pop(at)?;
            }
            b'e' | b'u' | 0x90 => {
                self.pop_mark(at)?;
            }
            // memo
            b'p' => {
                let line = input.line().map_err(io)?;
                let index = line.trim().parse().map_err(|_| Problem {
                    offset: at,
                    what: format!("PUT {line:?} is not an index"),
                    unresolved: false,
                })?;
                self.memo_put(index, at)?;
            }
            b'q' => {
                let index = input.uint(1).map_err(io)?;
                self.memo_put(index, at)?;
            }
            b'r' => {
                let index = input.uint(4).map_err(io)?;
                self.memo_put(index, at)?;
            }
            0x94 => {
                let index = self.memo.len() as u64;
                self.memo_put(index, at)?;
            }
            b'g' => {
                let line = input.line().map_err(io)?;
                let index = line.trim().parse().map_err(|_| Problem {
                    offset: at,
                    what: format!("GET {line:?} is not an index"),
                    unresolved: false,
                })?;
                self.memo_get(index, at)?;
            }
            b'h' => {
                let index = input.uint(1).map_err(io)?;
                self.memo_get(index, at)?;
            }
            b'j' => {
                let index = input.uint(4).map_err(io)?;
                self.memo_get(index, at)?;
            }
            // imports and calls
            b'c' => {
                let module = input.line().map_err(io)?;
                let name = input.line().map_err(io)?;
                let index = self.import(module, name, at, Via::Global);
                self.push(Value::Global(index), at)?;
            }
            0x93 => {
                let name = self.pop(at)?;
                let module = self.pop(at)?;
                match (module, name) {
                    (Value::Str(module), Value::Str(name)) => {
                        let index = self.import(module, name, at, Via::StackGlobal);
                        self.push(Value::Global(index), at)?;
                    }
                    _ => {
                        self.report.problems.push(Problem {
                            offset: at,
                            what:
                                "STACK_GLOBAL imports a name computed at load time, which could be anything"
                                    .into(),
                            unresolved: true,
                        });
                        self.push(Value::Object, at)?;
                    }
                }
            }
            b'i' => {
                let module = input.line().map_err(io)?;
                let name = input.line().map_err(io)?;
                self.pop_mark(at)?;
                self.import(module, name, at, Via::Inst);
                self.push(Value::Object, at)?;
            }
            b'o' => {
                let items = self.pop_mark(at)?;
                match items.first() {
                    Some(callable) => self.call(callable, at, "OBJ"),
                    None => {
                        return Err(Problem {
                            offset: at,
                            what: "OBJ without a class".into(),
                            unresolved: false,
                        });
                    }
                }
                self.push(Value::Object, at)?;
            }
            b'R' => {
                self.pop(at)?;
                let callable = self.pop(at)?;
                self.call(&callable, at, "REDUCE");
                self.push(Value::Object, at)?;
            }
            0x81 => {
                self.pop(at)?;
                let class = self.pop(at)?;
                self.call(&class, at, "NEWOBJ");
                self.push(Value::Object, at)?;
            }
            0x92 => {
                self.pop(at)?;
                self.pop(at)?;
                let class = self.pop(at)?;
                self.call(&class, at, "NEWOBJ_EX");
                self.push(Value::Object, at)?;
            }
            b'b' => {
                // BUILD: the object's __setstate__ (or __dict__ update) with the state
                self.pop(at)?;
                if self.stack.is_empty() {
                    return Err(Problem {
                        offset: at,
                        what: "BUILD without an object".into(),
                        unresolved: false,
                    });
                }
            }
            0x82..=0x84 => {
                let width = match opcode {
                    0x82 => 1,
                    0x83 => 2,
                    _ => 4,
                };
                let code = input.uint(width).map_err(io)?;
                self.report.problems.push(Problem {
                    offset: at,
                    what: format!("extension code {code} names a global through copyreg's registry, which the loading process defines"),
                    unresolved: true,
                });
                self.push(Value::Object, at)?;
            }
            b'P' => {
                input.line().map_err(io)?;
                self.report.persistent_ids += 1;
                self.push(Value::Object, at)?;
            }
            b'Q' => {
                self.pop(at)?;
                self.report.persistent_ids += 1;
                self.push(Value::Object, at)?;
            }
            0x80 => {
                let protocol = input.uint(1).map_err(io)? as u8;
                if protocol > 5 {
                    return Err(Problem {
                        offset: at,
                        what: format!("protocol {protocol} does not exist"),
                        unresolved: false,
                    });
                }
                self.report.protocol = self.report.protocol.max(protocol);
            }
            0x95 => {
                input.exact(8).map_err(io)?;
            }
            0x97 => self.push(Value::Object, at)?,
            0x98 => {}
            other => {
                return Err(Problem {
                    offset: at,
                    what: format!("byte 0x{other:02x} is not a pickle opcode"),
                    unresolved: false,
                });
            }
        }
        Ok(Step::Continue)
    }
}

/// Reads one pickle; `Ok(true)` when it ended with STOP.
fn one<R: BufRead>(machine: &mut Machine, input: &mut Counted<R>) -> Result<bool, Problem> {
    machine.stack.clear();
    machine.memo.clear();
    loop {
        let at = input.offset;
        let opcode = match input.byte() {
            Ok(Some(opcode)) => opcode,
            Ok(None) => return Ok(false),
            Err(error) => {
                return Err(Problem {
                    offset: at,
                    what: format!("cannot be read: {error}"),
                    unresolved: false,
                });
            }
        };
        match machine.step(input, opcode, at)? {
            Step::Continue => {}
            Step::Stop => return Ok(true),
        }
    }
}

/// Could the next bytes start another pickle? PROTO, or the MARK/GLOBAL/EMPTY_* openings of protocols 0 and 1.
fn starts_pickle(byte: u8) -> bool {
    matches!(byte, 0x80 | b'(' | b'c' | b'}' | b']' | b')' | b'N')
}

/// Interprets a pickle stream.
pub fn scan(input: impl BufRead) -> Report {
    let mut input = Counted {
        inner: input,
        offset: 0,
    };
    let mut machine = Machine {
        kept: 0,
        stack: Vec::new(),
        memo: std::collections::HashMap::new(),
        report: Report::default(),
    };
    loop {
        let start = input.offset;
        let imports_before = machine.report.imports.len();
        match one(&mut machine, &mut input) {
            Ok(true) => machine.report.pickles += 1,
            Ok(false) => {
                if input.offset > start {
                    machine.report.problems.push(Problem {
                        offset: input.offset,
                        what: "the pickle is truncated (no STOP)".into(),
                        unresolved: false,
                    });
                }
                break;
            }
            Err(problem) => {
                if machine.report.pickles == 0 || machine.report.imports.len() > imports_before {
                    // the first pickle is malformed, or a later one imports before it breaks: an unpickler
                    // reaching it would have run those imports
                    machine.report.problems.push(problem);
                } else {
                    machine.report.trailing = drain(&mut input, start);
                }
                break;
            }
        }
        if machine.report.pickles >= PICKLES_LIMIT {
            let here = input.offset;
            machine.report.trailing = drain(&mut input, here);
            break;
        }
        match input.peek() {
            Ok(Some(byte)) if starts_pickle(byte) => continue,
            Ok(Some(_)) => {
                let here = input.offset;
                machine.report.trailing = drain(&mut input, here);
                break;
            }
            _ => break,
        }
    }
    machine.report.length = input.offset;
    machine.report
}

/// Reads the rest without interpreting it; how many bytes were left from `from`.
fn drain<R: BufRead>(input: &mut Counted<R>, from: u64) -> u64 {
    let rest = std::io::copy(&mut input.inner, &mut std::io::sink()).unwrap_or(0);
    input.offset += rest;
    input.offset - from
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(bytes: &[u8]) -> Report {
        scan(bytes)
    }

    #[test]
    fn globals_by_every_spelling() {
        // protocol 0: cos\nsystem\n(S'ls'\ntR.
        let r = run(b"cos\nsystem\n(S'ls'\ntR.");
        assert_eq!(r.imports[0].module, "os");
        assert!(r.imports[0].called);
        // protocol 4 STACK_GLOBAL over memoised strings: module memoised, then fetched with BINGET
        let mut p = vec![0x80, 4, 0x8c, 2];
        p.extend(b"os");
        p.extend([0x94, 0x8c, 6]);
        p.extend(b"system");
        p.extend([0x94, b'h', 0, b'h', 1, 0x93, 0x8c, 2]);
        p.extend(b"ls");
        p.extend([0x85, b'R', b'.']);
        let r = run(&p);
        assert_eq!(
            (r.imports[0].module.as_str(), r.imports[0].name.as_str()),
            ("os", "system"),
            "{r:?}"
        );
        assert!(r.imports[0].called);
        // INST
        let r = run(b"(S'ls'\nios\nsystem\n.");
        assert_eq!(r.imports[0].via, Via::Inst);
        assert!(r.imports[0].called);
    }

    #[test]
    fn unresolvable_and_malformed() {
        // STACK_GLOBAL over a computed value
        let r = run(&[0x80, 4, b'N', b'N', 0x93, b'.']);
        assert!(r.problems.iter().any(|p| p.unresolved), "{r:?}");
        // truncated
        let r = run(b"cos\nsys");
        assert!(!r.problems.is_empty());
        // extension code
        let r = run(&[0x80, 2, 0x82, 7, b'.']);
        assert!(r.problems.iter().any(|p| p.unresolved));
        // two pickles: the second one's import is found
        let r = run(b"N.cos\nsystem\n.");
        assert_eq!(r.pickles, 2);
        assert_eq!(r.imports.len(), 1);
        // trailing data after a pickle is not interpreted
        let r = run(b"N.\xff\xfe garbage");
        assert_eq!((r.pickles, r.trailing), (1, 10));
        assert!(r.problems.is_empty());
    }
}
