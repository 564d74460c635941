//! Signatures: ed25519 keys, DSSE envelopes, in-toto statements, OpenSSF model-signing bundles. Until the
//! signature check runs, a manifest's `signature` entries are parsed and validated (paths inside the
//! project) but not verified, and checklist item `trust-model-deployment` cannot pass on automation alone.
