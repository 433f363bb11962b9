//! Coded enums: a closed set of values stored by a short code (the database
//! keeps the code, and its CHECK constraint lists them) and shown by a
//! label. `coded!` writes the enum, its `ALL`, `as_str`, `label` and
//! `parse` once, so that no register spells them out by hand; whatever else
//! an enum knows (a tag colour, a role) stays an ordinary `impl` beside it.
//!
//! ```ignore
//! coded! {
//!     /// How the contact is linked to the school.
//!     pub enum Link {
//!         ParentCarer = "parent_carer": "Parent or carer of a pupil",
//!         OtherRelative = "other_relative": "Another relative of a pupil",
//!     }
//! }
//! ```
//!
//! Leave out every `: "label"` for an enum that is never shown by a label:
//! its `Coded::label` is then its code.

/// What every coded enum offers; `web::form::Choice::options` takes any.
pub trait Coded: Copy + PartialEq + 'static {
    /// Every value, in the order forms list them.
    const ALL: &'static [Self];

    /// The stored code.
    fn as_str(self) -> &'static str;

    /// What a person reads; the code when the enum has no labels.
    fn label(self) -> &'static str {
        self.as_str()
    }

    /// The value stored as `raw`; `None` for anything else.
    fn parse(raw: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == raw)
    }
}

/// Writes a coded enum: see the module's documentation.
macro_rules! coded {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal : $label:literal),+ $(,)?
        }
    ) => {
        $crate::web::coded::coded!(@enum $(#[$meta])* $vis $name { $($(#[$vmeta])* $variant = $code),+ });

        impl $name {
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }

        impl $crate::web::coded::Coded for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
            fn label(self) -> &'static str {
                $name::label(self)
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ $(,)?
        }
    ) => {
        $crate::web::coded::coded!(@enum $(#[$meta])* $vis $name { $($(#[$vmeta])* $variant = $code),+ });

        impl $crate::web::coded::Coded for $name {
            const ALL: &'static [Self] = $name::ALL;
            fn as_str(self) -> &'static str {
                $name::as_str(self)
            }
        }
    };
    (@enum $(#[$meta:meta])* $vis:vis $name:ident { $($(#[$vmeta:meta])* $variant:ident = $code:literal),+ }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                <Self as $crate::web::coded::Coded>::parse(raw)
            }
        }
    };
}
pub(crate) use coded;

#[cfg(test)]
mod tests {
    use super::Coded;

    coded! {
        /// A test enum with labels.
        pub enum Colour {
            Red = "red": "Bright red",
            /// A variant with its own doc.
            DarkBlue = "dark_blue": "Navy",
        }
    }

    coded! {
        enum Plain {
            One = "one",
            Two = "two",
        }
    }

    #[test]
    fn codes_labels_and_parse_agree() {
        assert_eq!(Colour::ALL, &[Colour::Red, Colour::DarkBlue]);
        assert_eq!(Colour::DarkBlue.as_str(), "dark_blue");
        assert_eq!(Colour::DarkBlue.label(), "Navy");
        assert_eq!(Colour::parse("red"), Some(Colour::Red));
        assert_eq!(Colour::parse("Red"), None);
        assert_eq!(Coded::label(Colour::Red), "Bright red");
    }

    #[test]
    fn an_enum_without_labels_is_shown_by_its_code() {
        assert_eq!(Plain::parse("two"), Some(Plain::Two));
        assert_eq!(Coded::label(Plain::One), "one");
        assert_eq!(<Plain as Coded>::ALL.len(), 2);
    }
}
