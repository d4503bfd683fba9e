//! UI-string rules: the theme's strings exist in both languages with the same keys.
//!
//! It reads only the theme's i18n files; it must not look at content.

use crate::diagnostics::Diagnostics;
use crate::load::Corpus;
use crate::types::Lang;

pub(super) fn check_i18n(corpus: &Corpus, d: &mut Diagnostics) {
    let (Some(fr), Some(en)) = (
        corpus.theme.i18n.get(&Lang::Fr),
        corpus.theme.i18n.get(&Lang::En),
    ) else {
        d.error(
            &corpus.theme.dir.join("i18n"),
            0,
            "UI strings for both languages are required",
            "add i18n/fr.toml and i18n/en.toml",
        );
        return;
    };
    for (a, b) in [(fr, en), (en, fr)] {
        for key in a.strings.keys().filter(|k| !b.strings.contains_key(*k)) {
            d.error(
                &b.path,
                0,
                format!(
                    "missing UI string `{key}` (present in {})",
                    a.path.display()
                ),
                format!("add `{key} = \"…\"` translated"),
            );
        }
    }
}
