//! Domain words as types: a `Symbol` is not a `Slug`, a `StateId` is not an `Anchor`.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A page language. French is the source edition of every document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Fr, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    /// The language's name in English, for messages to the maintainer.
    pub fn name_en(self) -> &'static str {
        match self {
            Lang::Fr => "French",
            Lang::En => "English",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Fr => Lang::En,
            Lang::En => Lang::Fr,
        }
    }

    pub fn from_code(code: &str) -> Option<Lang> {
        match code {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

macro_rules! string_newtype {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }
    };
}

string_newtype!(
    /// A UN document symbol in canonical form, e.g. `A/RES/77/37` or `A/C.1/78/L.60/Rev.1`.
    Symbol
);
string_newtype!(
    /// A State or entity id: lowercase ISO 3166-1 alpha-3 (`deu`), or an explicit id (`eu`).
    StateId
);
string_newtype!(
    /// A paragraph, heading or footnote id, identical in both languages (`p4`, `pp1`, `deu-3`).
    Anchor
);
string_newtype!(
    /// A page's file stem, used in its URL (`a-78-76`).
    Slug
);
string_newtype!(
    /// A topic id from `topics.toml` (`consensus`).
    TopicId
);
string_newtype!(
    /// A stance value allowed by a topic (`supports`, `not-addressed`).
    Stance
);

impl Symbol {
    /// The official version on the UN documents system, in the given language.
    pub fn undocs_url(&self, lang: Lang) -> String {
        let mut s = String::new();
        self.push_undocs_url(&mut s, lang);
        s
    }

    /// [`Symbol::undocs_url`], written onto `out`.
    pub fn push_undocs_url(&self, out: &mut String, lang: Lang) {
        for part in ["https://undocs.org/", lang.code(), "/", &self.0] {
            out.push_str(part);
        }
    }
}

/// Anchors are lowercase ASCII letters, digits and hyphens, starting with a letter or digit.
pub fn is_valid_anchor(s: &str) -> bool {
    !s.is_empty()
        && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}
