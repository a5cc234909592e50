//! Normalisation of layer and field names: lowercase ASCII letters, digits and `_`.

use std::collections::HashSet;

/// Folds one character to lowercase ASCII, stripping accents; `None` when it has no ASCII form.
fn fold(c: char) -> Option<&'static str> {
    let folded = match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => {
            "a"
        }
        'æ' | 'Æ' => "ae",
        'ç' | 'ć' | 'č' | 'Ç' | 'Ć' | 'Č' => "c",
        'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' | 'Ð' => "d",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ě' => {
            "e"
        }
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'Ì' | 'Í' | 'Î' | 'Ï' => "i",
        'ł' | 'ľ' | 'Ł' | 'Ľ' => "l",
        'ñ' | 'ń' | 'ň' | 'Ñ' | 'Ń' | 'Ň' => "n",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' => {
            "o"
        }
        'œ' | 'Œ' => "oe",
        'ř' | 'Ř' => "r",
        'ś' | 'š' | 'ş' | 'Ś' | 'Š' | 'Ş' => "s",
        'ß' => "ss",
        'ť' | 'ţ' | 'Ť' | 'Ţ' => "t",
        'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ů' => "u",
        'ý' | 'ÿ' | 'Ý' | 'Ÿ' => "y",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    };
    Some(folded)
}

/// Normalises a name: accents stripped, lowercase ASCII, anything else becomes `_`.
///
/// Runs of `_` collapse into one and leading or trailing `_` are removed; an empty result
/// becomes `fallback`.
pub fn normalise(name: &str, fallback: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if let Some(folded) = fold(c) {
            out.push_str(folded);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    let trimmed = out.trim_matches('_');
    let mut result: String = trimmed.chars().take(64).collect();
    while result.ends_with('_') {
        result.pop();
    }
    if result.is_empty() {
        fallback.to_string()
    } else {
        result
    }
}

/// Hands out normalised names that are unique within one set (a database or a layer).
#[derive(Debug, Default)]
pub struct UniqueNames {
    taken: HashSet<String>,
}

impl UniqueNames {
    /// Creates an empty set, optionally reserving names that may not be handed out.
    pub fn new(reserved: &[&str]) -> Self {
        UniqueNames {
            taken: reserved.iter().map(|name| name.to_string()).collect(),
        }
    }

    /// Normalises `name` and makes it unique by appending `_2`, `_3`, ...
    pub fn claim(&mut self, name: &str, fallback: &str) -> String {
        let base = normalise(name, fallback);
        let mut candidate = base.clone();
        let mut counter = 2;
        while self.taken.contains(&candidate) {
            candidate = format!("{base}_{counter}");
            counter += 1;
        }
        self.taken.insert(candidate.clone());
        candidate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_spaces_and_specials_are_normalised() {
        assert_eq!(
            normalise("Réseau routier (2024)", "layer"),
            "reseau_routier_2024"
        );
        assert_eq!(normalise("Œuvres d'Été", "layer"), "oeuvres_d_ete");
        assert_eq!(normalise("  ", "layer"), "layer");
        assert_eq!(normalise("日本", "field"), "field");
    }

    #[test]
    fn claimed_names_are_unique() {
        let mut names = UniqueNames::new(&[]);
        assert_eq!(names.claim("Routes", "layer"), "routes");
        assert_eq!(names.claim("routes", "layer"), "routes_2");
        assert_eq!(names.claim("ROUTES", "layer"), "routes_3");
    }
}
