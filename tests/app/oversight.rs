//! Placeholder: filled in by the oversight work.
