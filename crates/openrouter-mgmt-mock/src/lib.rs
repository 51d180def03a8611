//! A stateful fake of the OpenRouter management API (work in progress: see issue 4).
