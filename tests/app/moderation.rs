//! Placeholder: filled in by the moderation work.
