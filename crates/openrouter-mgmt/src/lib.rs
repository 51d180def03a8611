//! The openrouter-mgmt facade (work in progress: see issue 3).
