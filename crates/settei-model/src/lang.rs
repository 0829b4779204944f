use serde::{Deserialize, Serialize};

/// A language settei can speak. Every text a user reads exists in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Ja,
    En,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::En => "en",
        }
    }

    /// Picks the language from POSIX locale values, in precedence order
    /// (`LC_ALL`, `LC_MESSAGES`, `LANG`): Japanese when the first one that is
    /// set starts with `ja`, English otherwise.
    pub fn from_locale<'a>(values: impl IntoIterator<Item = Option<&'a str>>) -> Lang {
        let first = values.into_iter().flatten().find(|v| !v.is_empty());
        match first {
            Some(v) if v.to_ascii_lowercase().starts_with("ja") => Lang::Ja,
            _ => Lang::En,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ja" | "jp" | "japanese" => Ok(Lang::Ja),
            "en" | "english" => Ok(Lang::En),
            _ => Err(format!("unknown language `{s}` (expected ja or en)")),
        }
    }
}

/// A text in Japanese and English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub ja: String,
    pub en: String,
}

impl Text {
    pub fn new(ja: impl Into<String>, en: impl Into<String>) -> Self {
        Text {
            ja: ja.into(),
            en: en.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Ja => &self.ja,
            Lang::En => &self.en,
        }
    }

    /// True when either language is missing (empty or only white space).
    pub fn is_incomplete(&self) -> bool {
        self.ja.trim().is_empty() || self.en.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_precedence() {
        assert_eq!(Lang::from_locale([Some("ja_JP.UTF-8")]), Lang::Ja);
        assert_eq!(Lang::from_locale([None, Some(""), Some("ja_JP")]), Lang::Ja);
        assert_eq!(
            Lang::from_locale([Some("C.UTF-8"), Some("ja_JP")]),
            Lang::En
        );
        assert_eq!(Lang::from_locale([None, None]), Lang::En);
    }
}
