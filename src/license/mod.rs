//! The license knowledge base and rule engine (use versus license, derivative chains). The integrity
//! foundation records each component's declared license as written; normalising it to SPDX and judging it
//! against `[usage]` is the license check's job, which is why checklist item `license-to-use` stays open until
//! that check runs (see `audit::CHECKS_RUN`).
