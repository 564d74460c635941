//! Findings: what the checks report, with stable, documented codes.
//!
//! Every code is a variant of [`Code`]; its documentation lives in one table ([`Code::doc`]), and the match
//! there is exhaustive, so a code cannot be emitted without being documented. `aitrust explain CODE` prints
//! that documentation.

use serde::Serialize;

use crate::bom::Policy;
use crate::bom::policy::Level;

/// How bad a finding is, after policy levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Blocks the deployment: the audit fails.
    Error,
    /// Should be looked at; does not fail the audit.
    Warning,
    /// Information.
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Note => "note",
        }
    }
}

/// The documentation of one code.
#[derive(Clone, Copy, Debug)]
pub struct CodeDoc {
    /// The check that emits it.
    pub check: &'static str,
    /// Severity when no policy level changes it.
    pub severity: Severity,
    /// One line.
    pub title: &'static str,
    /// Why it matters and what to do.
    pub explanation: &'static str,
    /// Checklist items it is evidence for.
    pub checklist: &'static [&'static str],
}

macro_rules! codes {
    ($($variant:ident = $text:literal { $check:literal, $severity:ident, [$($item:literal),*], $title:literal, $explanation:literal })+) => {
        /// A finding code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $title] $variant),+
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),+];

            /// The code as written (`INT001`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text),+
                }
            }

            /// Its documentation.
            pub fn doc(self) -> CodeDoc {
                match self {
                    $(Code::$variant => CodeDoc {
                        check: $check,
                        severity: Severity::$severity,
                        title: $title,
                        explanation: $explanation,
                        checklist: &[$($item),*],
                    }),+
                }
            }
        }
    };
}

codes! {
    Bom001 = "BOM001" { "manifest", Warning, ["trust-transparency"],
        "the manifest declares no models or datasets",
        "An aibom.toml with no [[model]] or [[dataset]] audits nothing, so a passing audit says nothing about the \
project's AI parts. Declare every model and dataset the project uses (`aitrust init` finds model and dataset \
files and writes a starting manifest)." }
    Lic001 = "LIC001" { "license", Error, ["license-to-use"],
        "a component declares no license",
        "Without a license there is no permission to use a model or dataset, and no terms to judge. Add `license` \
from its model or dataset card (an SPDX id such as Apache-2.0, a Hugging Face id such as llama3.1, or LicenseRef-<name> \
for custom terms). `[policy] licenses.unknown = \"warn\"` makes this a warning." }
    Lic002 = "LIC002" { "license", Error, ["license-to-use"],
        "a license is unknown, ambiguous or malformed",
        "The license could not be mapped to known terms: an id that names no license (`other`, `unknown`, a family \
such as `cc`), a term aitrust does not know, or an expression that does not parse. Unknown terms are never a pass. \
Write the exact license; for custom terms, review them and allow them for the component with `licenses.exceptions`. \
`[policy] licenses.unknown = \"warn\"` makes this a warning." }
    Lic003 = "LIC003" { "license", Error, ["license-to-use", "target-uses"],
        "the license forbids this use",
        "The project's `[usage]` (purpose, deployment, users, revenue, regions, activities) is one the license does not \
allow, directly or through a base model: non-commercial or research-only terms in a commercial product, a threshold \
that terminates the license, outputs used to train models the license forbids, or sharing what may not be shared. \
Replace the component, change the use, or obtain a license from the publisher." }
    Lic004 = "LIC004" { "license", Warning, ["license-to-use", "target-uses"],
        "the license needs a person's review for this use",
        "The license may allow this use under conditions aitrust cannot check: a user threshold that requires a \
separate license, a regional exclusion for some models, terms aitrust has not verified, or a relicensing within a \
license family. Read the terms, decide, and record the decision in the checklist answers." }
    Lic005 = "LIC005" { "license", Error, ["license-to-use"],
        "the policy does not allow this license",
        "The license is in `[policy] licenses.deny`, or an allow list exists and neither it nor an exception for the \
component names the license. As in cargo-deny, deny wins and anything not allowed is denied. Replace the component \
or change the policy after review." }
    Lic006 = "LIC006" { "license", Error, ["license-to-use"],
        "a derivative declares a looser license than its base model (license drift)",
        "A fine-tune, adapter, merge or quantization stays bound by its base model's license when that license binds \
derivatives (Llama, Gemma, the RAIL family, share-alike and non-commercial terms). A derivative labelled with a looser \
license (a Llama fine-tune marked Apache-2.0) misstates its terms. Declare the license it really carries." }
    Lic007 = "LIC007" { "license", Error, ["license-to-use"],
        "licenses in a model's lineage conflict",
        "Two duties along the lineage cannot both be met: share-alike licenses of different families, a share-alike \
license (which forbids added terms) with a license that adds use restrictions, or two different mandatory model-name \
prefixes. No license can satisfy both; change the lineage or obtain other terms." }
    Lic008 = "LIC008" { "license", Warning, ["license-to-use", "trust-data-collection"],
        "a model was trained on data whose terms may restrict this use",
        "A model is `trained_on` a dataset under non-commercial, research-only, share-alike or otherwise unsettled \
terms. Whether such terms bind the trained model is legally unsettled, so this is a warning by default; \
`[policy] licenses.training_data = \"strict\"` makes it an error. Get legal review, or choose a model trained on \
permissively licensed data." }
    Lic009 = "LIC009" { "license", Warning, ["license-to-use", "trust-transparency"],
        "a license found with the component differs from the manifest",
        "The card's front matter, the component's LICENSE or NOTICE file, or the metadata of a package that ships it \
(a wheel's dist-info, a pyproject.toml or package.json below the project root) names another license than the \
manifest. One of them is wrong. The publisher's LICENSE file decides; a repackager cannot relicense a model, so a \
package that says otherwise is a relabel. Fix the manifest, or ask the publisher or packager to fix theirs." }
    Lic010 = "LIC010" { "license", Warning, ["license-to-use"],
        "a license policy entry is not used",
        "An entry of `licenses.allow` or `licenses.exceptions` matches no component's license. Unused entries make the \
policy say more than the project relies on; remove them (cargo-deny reports the same as `license-not-encountered`)." }
    Lic011 = "LIC011" { "license", Warning, ["license-to-use", "target-uses"],
        "the manifest does not say how the project uses its AI parts",
        "Without `[usage]` (or without its `purpose`) the license rules cannot decide whether a non-commercial, \
research-only or use-restricted license allows this project: every such license is left to a person. Declare \
`[usage] purpose` (commercial, research, internal or personal) and `deployment`, and the activities (fine-tune, \
distill, redistribute-weights, ...)." }
    Sig001 = "SIG001" { "signature", Error, ["trust-model-deployment"],
        "a signature does not verify",
        "The signature is malformed for its type, was made by a key the policy does not trust, or does not match what \
it signs: the artifacts may have been tampered with, or the signature forged. Do not deploy. Find out who signed what; \
if the artifacts are right, have a trusted key sign them again." }
    Sig002 = "SIG002" { "signature", Error, ["trust-model-deployment"],
        "what was signed is not what is on disk",
        "The signature is valid, but the files or the manifest changed after signing (or files were added or removed). \
A changed file with its digest rewritten in the manifest is caught here, because the manifest itself is signed. Do \
not deploy until the change is reviewed and signed again." }
    Sig003 = "SIG003" { "signature", Error, ["trust-model-deployment"],
        "a component the policy requires to be signed is not",
        "`policy.signatures.require` is `models` or `all`, and the component has no valid signature from a trusted key: \
neither its own `signature` nor the project signature (`aibom.sig`) covers all of its local files. Sign it with \
`aitrust sign --key KEY`, or add the publisher's signature and trust the publisher's key." }
    Sig004 = "SIG004" { "signature", Error, ["trust-model-deployment"],
        "a signature file cannot be read",
        "The signature file is missing, unreadable, or not a signature of the declared kind, so nothing can be \
verified. Restore it, or sign again." }
    Sig005 = "SIG005" { "signature", Warning, ["trust-model-deployment"],
        "a signature could not be verified by aitrust",
        "The signature is well-formed but of a kind aitrust knowingly cannot verify (for example a Sigstore keyless \
entry whose time comes only from an RFC 3161 timestamp, or a hashing method it does not implement). It is not counted \
as a valid signature. Verify it with the publisher's tooling, and record the result. Anything malformed is SIG001." }
    Sig006 = "SIG006" { "signature", Warning, ["trust-model-deployment"],
        "a signature's key is not trusted by the policy",
        "A signature exists, but the policy does not list the key that should verify it in \
`policy.signatures.trusted_keys` (or lists none at all), or a Sigstore keyless signature verifies but its signer \
(OIDC issuer and certificate SAN) is not in `policy.signatures.identities`, so it proves nothing about who made it. \
Add the key, pin its fingerprint, or add the identity if you trust its owner." }
    Prv001 = "PRV001" { "provenance", Error, ["trust-model-deployment", "trust-evolution"],
        "a Hub or git component is not pinned to a commit",
        "A component from the Hugging Face Hub or a git repository has no `revision`, or one that names a branch, tag or \
short id. Those move: the next download can be different files from a different publisher state. Pin the full commit \
id you reviewed." }
    Prv002 = "PRV002" { "provenance", Error, ["trust-model-deployment", "trust-transparency"],
        "the component's publisher is denied by the policy",
        "The publisher is listed in `policy.publishers.deny`. Replace the component with one from another publisher, or \
change the policy after review." }
    Prv003 = "PRV003" { "provenance", Warning, ["trust-model-deployment", "trust-transparency"],
        "the component's publisher needs a recorded human decision",
        "The publisher is listed in `policy.publishers.review`: someone must decide, and record, that using its \
component is acceptable. Answer checklist item `trust-model-deployment` as met with a justification that names the \
publisher; the warning clears while that answer is current." }
    Prv004 = "PRV004" { "provenance", Warning, ["trust-transparency"],
        "the component does not say who publishes it",
        "Without a publisher nobody can be asked about the component, and publisher policies cannot apply. Add \
`publisher`." }
    Prv005 = "PRV005" { "provenance", Warning, ["trust-data-collection"],
        "a dataset does not say how its data was collected",
        "The checklist asks how training and evaluation data were collected and with what consent. Add `collection` \
with what the dataset's datasheet or card says." }
    Prv006 = "PRV006" { "provenance", Warning, ["trust-transparency", "trust-model-training"],
        "a model declares neither its training data nor a base model",
        "A model whose lineage is unknown cannot be judged for its training data's terms or collection. Declare \
`trained_on` datasets or the `base_model` it derives from, as its card states." }
    Prv007 = "PRV007" { "provenance", Warning, ["trust-model-training"],
        "a model's relation does not fit its base models",
        "A merge has two or more base models; a fine-tune, adapter, quantization or distillation has exactly one. Fix \
`relation` or `base_model`." }
    Prv008 = "PRV008" { "provenance", Error, ["trust-model-deployment"],
        "a git component's local clone is not at the pinned revision",
        "The clone at the component's `path` is not a git repository, or its HEAD is another commit than `revision`. \
What is on disk is not what was reviewed. Check out the pinned commit (`git checkout <revision>`), or review the new \
commit and pin it." }
    Prv009 = "PRV009" { "provenance", Error, ["trust-model-deployment"],
        "a git component's working tree has local changes",
        "Files in the clone differ from the pinned commit (modified, deleted or untracked), so the artifacts are not the \
ones the commit holds. Discard the changes (`git status`, `git checkout -- .`), or commit, review and pin them." }
    Chk001 = "CHK001" { "checklist", Warning, [],
        "a checklist item is open",
        "A trust checklist item is neither passed nor answered: automation could not decide it, or it needs a person's \
answer. Answer it with `aitrust checklist` (or edit aibom.answers.toml). Open items are warnings, or errors for the \
checklists `policy.checklist.require` names." }
    Chk002 = "CHK002" { "checklist", Error, [],
        "a checklist item was answered \"unmet\"",
        "A person recorded that the project does not meet this item. The deployment should not go ahead until it is \
met (or the answer is revised with a justification)." }
    Chk003 = "CHK003" { "checklist", Warning, [],
        "a checklist answer predates a change to what it judges",
        "Each checklist item judges a part of the project (its scope: the components, their licenses and usage, \
their files, ...). The answer records what that part held; something in it changed since (the finding says what: a \
component added, a file digest, a license), so the answer may no longer hold. A comment or a reformat of aibom.toml \
changes nothing. Confirm, amend or withdraw it with `aitrust checklist --stale`; until then the item is open. An \"unmet\" answer never goes out of force \
this way: it stays CHK002 until a person changes it." }
    Chk004 = "CHK004" { "checklist", Warning, [],
        "a checklist answer's evidence no longer holds",
        "Every audit checks an answer's evidence again: a file must be inside the project and still hold the bytes \
it held when the answer was given (its recorded sha256). A file that changed, is gone, is unreadable, leaves the \
project, or was recorded without a digest cannot back the answer, so a \"met\" or \"not-applicable\" answer loses \
its force and the item is open. An error for a checklist the policy requires, a warning otherwise. Restore the file, \
or answer again with `aitrust checklist --item ID`, which records the file's digest. Web addresses are kept as given." }
    Doc001 = "DOC001" { "documentation", Warning, ["trust-transparency"],
        "a component has no model or dataset card",
        "Without a card nobody can tell what a model or dataset is for, what it was trained on, how it was evaluated or what its limits are. Declare its card with `card = \"...\"` (copy the publisher's, or write one)." }
    Doc002 = "DOC002" { "documentation", Warning, ["trust-transparency"],
        "a card cannot be read",
        "The file named by `card` is missing, unreadable, or a symbolic link out of the project. Restore it or fix `card`." }
    Doc003 = "DOC003" { "documentation", Warning, ["target-uses"],
        "a card does not say what the component is (not) for",
        "The card has no intended-use or out-of-scope-use section, so nobody can check this project's use against what the publisher meant. Ask the publisher, or document it." }
    Doc004 = "DOC004" { "documentation", Warning, ["target-uses", "trust-transparency"],
        "a card does not state limitations",
        "The card says nothing of the component's limitations or known issues. Ask the publisher, or document what you know." }
    Doc005 = "DOC005" { "documentation", Warning, ["trust-transparency", "trust-model-training"],
        "a model card does not describe its training data",
        "The card neither lists datasets in its front matter nor has a training-data section, so the model's lineage and the terms of its data are unknown." }
    Doc006 = "DOC006" { "documentation", Warning, ["trust-model-evaluation"],
        "a model card reports no evaluation",
        "The card has no evaluation results (no model-index, no evaluation or results section). Evaluate the model on data that represents this project's use, and record the results." }
    Doc007 = "DOC007" { "documentation", Warning, ["objectivity-bias"],
        "a card does not discuss bias and risks",
        "The card has no section on bias, risks, fairness or (for data) personal and sensitive content. The checklist asks how bias was assessed; document it or ask the publisher." }
    Doc008 = "DOC008" { "documentation", Warning, ["trust-data-collection", "trust-data-engineering"],
        "a dataset card does not say how the data was collected or processed",
        "A datasheet should say where the data came from, how it was collected (and with what consent), and how it was cleaned, filtered and annotated. Document it or ask the publisher." }
    Doc009 = "DOC009" { "documentation", Warning, ["trust-transparency"],
        "a card does not state a license",
        "The card's front matter has no `license` and it has no license section, so its terms are not stated where people look first." }
    Mnt001 = "MNT001" { "maintenance", Warning, ["maintenance", "trust-evolution"],
        "a component has not changed for longer than the policy allows",
        "The component's source shows no change for longer than `maintenance.max_age_days` (365 by default). An unmaintained model or dataset gets no fixes for flaws, bias or security issues. Check it is still fit for use, or replace it. `maintenance.stale = \"deny\"` makes this an error." }
    Mnt002 = "MNT002" { "maintenance", Error, ["maintenance", "trust-model-deployment"],
        "a Hub repository is disabled",
        "The Hugging Face Hub disabled the repository, which it does for legal, abuse or security reasons. Stop using it and find a replacement." }
    Mnt003 = "MNT003" { "maintenance", Warning, ["maintenance"],
        "a component's maintenance is unknown",
        "A local component (or one from a URL) has no source that could tell whether it is maintained. Name a `maintainer` and record when it was `last_reviewed`." }
    Mnt004 = "MNT004" { "maintenance", Warning, ["maintenance", "trust-model-deployment"],
        "a Hub component is not (or no longer) in aibom.lock",
        "`check` never uses the network: it reads what `aitrust lock` recorded. Without a current entry, the component's maintenance and its Hub digests were not checked. Run `aitrust lock` and commit aibom.lock." }
    Mnt005 = "MNT005" { "maintenance", Note, ["maintenance"],
        "a git clone is shallow",
        "A shallow clone does not hold the full history, so commit counts understate the activity. Fetch the full history for an accurate signal." }
    Mnt006 = "MNT006" { "maintenance", Warning, ["maintenance", "trust-evolution"],
        "a Hub repository was created recently",
        "A repository younger than 90 days has no track record (OpenSSF Scorecard scores such repositories 0 for maintenance). Review its publisher and history before relying on it." }
    Mnt007 = "MNT007" { "maintenance", Warning, ["maintenance", "trust-evolution"],
        "a component's last review is overdue",
        "The component's `last_reviewed` date is older than `maintenance.max_age_days`. Review it again and update the date." }
    Mnt008 = "MNT008" { "maintenance", Error, ["maintenance", "trust-model-deployment"],
        "a Hub repository or pinned revision no longer exists",
        "When `aitrust lock` asked, the Hub answered that the repository (or the pinned commit) does not exist: it was deleted, renamed, made private, or its history rewritten. What the project pins can no longer be fetched or checked against its publisher. Find where it went (a renamed repository keeps its history) and pin that, or replace it." }
    Mnt009 = "MNT009" { "maintenance", Warning, ["maintenance", "trust-model-deployment"],
        "a Hub repository was renamed",
        "The Hub answered for the manifest's `name` with another repository name: it was renamed or moved, and the Hub \
redirects the old name for now. A redirect can end, and a freed name can be taken by someone else, who would then \
publish under the name the manifest trusts. Change `name` (and the publisher, if the owner changed) to what the Hub \
calls it now, and run `aitrust lock`." }
    Mnt010 = "MNT010" { "maintenance", Error, ["maintenance", "trust-model-deployment"],
        "a source could not be read when the lock was made",
        "When `aitrust lock` asked, the source did not let itself be read: private or missing (the Hub answers both \
alike without a token), gated without access, forbidden, not answering after retries, or answering in a way aitrust \
cannot trust (an LFS file without its digest, a tree and file list that disagree). Nothing about the component was \
checked against its publisher, so the audit cannot pass it. Fix access (HF_TOKEN, accepting the conditions) or \
the name, then run `aitrust lock` again." }
    Int011 = "INT011" { "integrity", Error, ["trust-model-deployment"],
        "a digest differs from what the Hub published",
        "The manifest pins a file whose SHA-256 (or whose presence) differs from what the Hub records for the repository at the pinned revision (from aibom.lock). The manifest pins something the publisher never released: find out where the file came from." }
    Ser001 = "SER001" { "serialization", Error, ["trust-model-deployment", "trust-security-privacy"],
        "loading a model file would run code",
        "Loading the file would import or call something that runs code, reaches files, processes or the network, or \
loads another pickle (`os.system`, `builtins.eval`, `subprocess`, a standard-library helper that runs commands), or \
use a construct that could import anything (a global computed at load time, an extension code), or run a Keras \
Lambda layer or a chat template that reaches Python internals. aitrust interprets the file without loading it. Do \
not load it: get the model from its publisher in a format that holds only data (safetensors, GGUF, ONNX), and \
report the file to the place you got it from." }
    Ser002 = "SER002" { "serialization", Warning, ["trust-model-deployment", "trust-security-privacy"],
        "a model file imports something aitrust does not know to be safe",
        "A pickle imports a global that is neither a known rebuild function (PyTorch, NumPy, collections, \
scikit-learn) nor known to be dangerous, or a Keras config or ONNX graph names code from outside its framework. \
Loading runs that code. Read what it is; if a person decides it is safe, allow it with \
`serialization.allow_globals = [\"module.name\"]` (or per component in `serialization.exceptions`, with a reason)." }
    Ser003 = "SER003" { "serialization", Error, ["trust-model-deployment"],
        "a model file is malformed",
        "The file is not what its format says: a truncated pickle, a damaged archive, a safetensors header whose \
offsets overlap or leave the file, a GGUF header that cannot be read. A loader may read it differently from \
aitrust, so nothing about it can be vouched for. Get a good copy from the publisher." }
    Ser004 = "SER004" { "serialization", Warning, ["trust-model-deployment", "trust-security-privacy"],
        "part of a model file cannot be inspected",
        "aitrust cannot read part of the file (an encrypted archive member, LZMA-compressed 7z data, HDF5 beyond its \
model config, a compression method it does not decode), so it cannot say whether loading it would run code. \
Convert the model to a format aitrust reads, or have a person review it." }
    Ser005 = "SER005" { "serialization", Note, ["trust-model-deployment"],
        "a model file is in a format that holds only data",
        "safetensors, GGUF without a dangerous chat template, and ONNX of standard operators hold data and \
declarations only: loading them runs no code from the file. aitrust checked the header to the letter of the \
format." }
    Ser006 = "SER006" { "serialization", Error, ["trust-model-deployment", "trust-security-privacy"],
        "a model file points outside its directory",
        "An ONNX tensor's external data `location` is absolute or climbs out of the model's directory, so loading \
it reads (and saving it writes) a file anywhere on the machine. Keep external data beside the model." }
    Shd001 = "SHD001" { "discovery", Warning, ["trust-transparency", "trust-model-deployment"],
        "the code uses a model or dataset the manifest does not declare",
        "The project's code loads a model or dataset, calls a hosted model, or holds weights on disk that no \
component of the manifest declares (shadow AI): nobody decided to trust it. `aitrust discover` lists every use with \
its file and line; `aitrust discover --write` declares the undeclared ones as stubs to pin (`aitrust import hf`). \
`[policy] discovery = \"deny\"` makes this an error; a name only known at run time is reported as dynamic by \
`discover`, not here." }
    Shd002 = "SHD002" { "discovery", Note, ["trust-transparency"],
        "a declared component is not used by the code",
        "No call in the project's code, configuration or scripts loads this component by its Hub name, tag, hosted \
name or path. It may be loaded under a name only known at run time, by another repository, or no longer at all; \
remove it from the manifest if it is not used." }
    Shd003 = "SHD003" { "discovery", Warning, ["trust-transparency"],
        "a source file could not be searched for models",
        "A file of a kind aitrust reads for uses (code, configuration, a notebook) could not be read: it is larger \
than 2 MiB (generated or minified code), unreadable, or not a regular file. What it loads is unknown, so the \
discovery is incomplete. Exclude generated files in `.gitignore`, or make the file readable." }
    Int001 = "INT001" { "integrity", Error, ["trust-model-deployment"],
        "a declared file is missing",
        "The manifest declares a file that does not exist on disk, so what would be deployed is not what was \
declared. Restore the file (for example from the component's source at the pinned revision), or remove its entry \
if the component really no longer has it." }
    Int002 = "INT002" { "integrity", Error, ["trust-model-deployment"],
        "a file's SHA-256 differs from the manifest",
        "The file's content is not the content the manifest pins: it was changed, corrupted, or replaced. Do not \
deploy it. Find out why it changed; if the change is intended (a new model version), review it and update the \
digest with `aitrust hash FILE`." }
    Int003 = "INT003" { "integrity", Error, ["trust-model-deployment"],
        "a file's size differs from the manifest",
        "The file's size is not the size the manifest declares, so its content changed (a truncated download, a \
replaced file). Re-fetch it from its source, or review the change and update `size` and `sha256`." }
    Int012 = "INT012" { "integrity", Error, ["trust-model-deployment", "trust-security-privacy"],
        "a file's name twins a declared file's",
        "A file in a component's directory has a name that differs from a declared file's only in letter case or \
Unicode normalization (`MODEL.safetensors` beside `model.safetensors`, an NFD twin of an NFC name). The declared file \
verifies, but a loader, or the same tree on a case-insensitive file system, may open the twin instead. Remove it." }
    Int004 = "INT004" { "integrity", Warning, ["trust-model-deployment"],
        "a file in a component's directory is not declared",
        "A file sits in the component's directory but the manifest does not list it, so nothing vouches for it and \
it may be loaded at run time (an extra pickle, a changed tokenizer). Declare it with its digest (`aitrust hash`), or \
remove it. `.git`, `.gitattributes`, the Hugging Face download cache and the component's own signature file are not \
artifacts and are never reported." }
    Int005 = "INT005" { "integrity", Error, ["trust-model-deployment", "trust-security-privacy"],
        "a path is a symbolic link that leaves the project",
        "A declared path is (or passes through) a symbolic link that points outside the project root. aitrust \
does not follow it: what it points to is not part of the audited project and can change without the manifest \
changing. Copy the file into the project, or point the manifest at it inside the project." }
    Int006 = "INT006" { "integrity", Error, ["trust-model-deployment"],
        "an artifact has no digest, so it cannot be verified",
        "A local component (or one of its files) has no `sha256`, so nothing can tell whether it was tampered \
with. Add the digest: `aitrust hash PATH` prints it, and `aitrust init` writes a manifest with every digest." }
    Int007 = "INT007" { "integrity", Note, ["trust-model-deployment"],
        "a remote artifact was not verified locally",
        "The component (or file) comes from the Hugging Face Hub, a git repository or a URL and has no local copy \
in the project, so its content was not hashed. It is verified where it is fetched: pin its revision and digest, \
and verify the download in the deployment pipeline (or keep a copy in the project)." }
    Int008 = "INT008" { "integrity", Error, ["trust-model-deployment"],
        "a file could not be read",
        "The file exists but could not be read (permissions, an I/O error), so it could not be verified. Fix the \
permissions or the storage and run the audit again." }
    Int009 = "INT009" { "integrity", Error, ["trust-model-deployment"],
        "a component's path does not exist",
        "The component's `path` (its directory or file) does not exist, so none of its files can be verified. \
Fetch the component into that path, or fix `path`." }
    Int010 = "INT010" { "integrity", Error, ["trust-model-deployment"],
        "a path is not the kind of file the manifest says",
        "The manifest declares a regular file where there is a directory or a special file (or a directory where \
there is a file). Fix the manifest: a single-file component carries `sha256` itself, a directory lists its files in \
[[model.file]] / [[dataset.file]]." }
}

impl Code {
    /// Looks a code up by its text (case-insensitive).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.as_str().eq_ignore_ascii_case(text))
    }
}

/// Where in the manifest a finding applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Location {
    /// The manifest's path.
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Every finding code as a Markdown page (`docs/findings.md`), one heading per code so a SARIF `helpUri` can
/// point at `#lic003`. Generated from the codes' documentation; a test keeps the committed page current.
pub fn catalog_markdown() -> String {
    let mut out = String::from(
        "# Finding codes\n\nGenerated from aitrust's code documentation (`aitrust explain CODE` prints the same); do not edit by hand.\n",
    );
    for code in Code::ALL {
        let doc = code.doc();
        out.push_str(&format!(
            "\n## {}\n\n**{}** · check `{}` · default severity {}{}\n\n{}\n",
            code.as_str(),
            doc.title,
            doc.check,
            doc.severity.as_str(),
            if doc.checklist.is_empty() {
                String::new()
            } else {
                format!(" · checklist items: {}", doc.checklist.join(", "))
            },
            doc.explanation
        ));
    }
    out
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable code, e.g. `INT001`.
    pub code: String,
    /// error | warning | note, after policy levels.
    pub severity: Severity,
    /// The check that found it.
    pub check: String,
    /// The component id, or null for the project as a whole.
    pub component: Option<String>,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where in the manifest it applies.
    pub location: Option<Location>,
    /// Ids of the checklist items it is evidence for.
    pub checklist: Vec<String>,
}

/// A finding before policy levels are applied: checks build these.
#[derive(Clone, Debug)]
pub struct Draft {
    /// The code.
    pub code: Code,
    /// The component id, if any.
    pub component: Option<String>,
    /// What was found.
    pub message: String,
    /// What to do about it.
    pub help: String,
    /// Where in the manifest.
    pub location: Option<Location>,
    /// A severity that replaces the code's default before policy levels apply (for checks whose policy
    /// switches, such as `licenses.unknown`, decide it).
    pub severity: Option<Severity>,
}

/// The findings of a run; checks push into it.
#[derive(Debug)]
pub struct Findings {
    policy_levels: Vec<(Code, Level)>,
    findings: Vec<Finding>,
}

impl Findings {
    /// Collects findings under a policy's levels.
    pub fn new(policy: &Policy) -> Self {
        Self {
            policy_levels: Code::ALL
                .iter()
                .filter_map(|code| policy.level(code.as_str()).map(|level| (*code, level)))
                .collect(),
            findings: Vec::new(),
        }
    }

    /// Adds a finding; a policy level of `allow` drops it, `warn` and `deny` set its severity.
    pub fn push(&mut self, draft: Draft) {
        let doc = draft.code.doc();
        let level = self
            .policy_levels
            .iter()
            .find(|(code, _)| *code == draft.code)
            .map(|(_, level)| *level);
        let severity = match level {
            Some(Level::Allow) => return,
            Some(Level::Warn) => Severity::Warning,
            Some(Level::Deny) => Severity::Error,
            None => draft.severity.unwrap_or(doc.severity),
        };
        self.findings.push(Finding {
            code: draft.code.as_str().to_string(),
            severity,
            check: doc.check.to_string(),
            component: draft.component,
            message: draft.message,
            help: draft.help,
            location: draft.location,
            checklist: doc.checklist.iter().map(|item| item.to_string()).collect(),
        });
    }

    /// The findings so far (the checklist walks them before adding its own).
    pub fn snapshot(&self) -> Vec<Finding> {
        self.findings.clone()
    }

    /// The findings, in the order the checks pushed them (the audit sorts them for reports).
    pub fn into_vec(self) -> Vec<Finding> {
        self.findings
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let mut seen = BTreeSet::new();
        for code in Code::ALL {
            let text = code.as_str();
            assert!(seen.insert(text), "{text} is used twice");
            assert_eq!(text.len(), 6, "{text}");
            assert!(text[..3].chars().all(|c| c.is_ascii_uppercase()), "{text}");
            assert!(text[3..].chars().all(|c| c.is_ascii_digit()), "{text}");
            let doc = code.doc();
            assert!(
                !doc.title.is_empty() && doc.explanation.len() > 80,
                "{text} is not documented"
            );
            assert_eq!(Code::parse(&text.to_ascii_lowercase()), Some(*code));
            let prefix = match doc.check {
                "manifest" => "BOM",
                "integrity" => "INT",
                "signature" => "SIG",
                "license" => "LIC",
                "maintenance" => "MNT",
                "provenance" => "PRV",
                "documentation" => "DOC",
                "serialization" => "SER",
                "discovery" => "SHD",
                "checklist" => "CHK",
                other => panic!("{text} names an unknown check {other}"),
            };
            assert!(text.starts_with(prefix), "{text} does not start with {prefix}");
        }
    }
}
