//! Attribute filters of a layer: `field == value`, `field != value`, `field in [a, b]`,
//! `field < 3` (also `<=`, `>`, `>=`).

use crate::error::{Result, TileError};
use crate::feature::Value;
use serde::{Deserialize, Serialize};

/// A condition on one attribute; features not matching it are left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributeFilter {
    /// Field name, as in the vector database.
    pub field: String,
    /// The condition.
    pub op: FilterOp,
}

/// Condition of an [`AttributeFilter`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterOp {
    /// Equal to the value.
    Eq(Value),
    /// Different from the value (or absent).
    Ne(Value),
    /// Equal to one of the values.
    In(Vec<Value>),
    /// Numerically less than.
    Lt(f64),
    /// Numerically less than or equal.
    Le(f64),
    /// Numerically greater than.
    Gt(f64),
    /// Numerically greater than or equal.
    Ge(f64),
}

fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) if !matches!((a, b), (Value::Str(_), Value::Str(_))) => x == y,
        _ => match (a, b) {
            (Value::Str(x), Value::Str(y)) => x == y,
            (Value::Bool(x), Value::Bool(y)) => x == y,
            (Value::Str(x), Value::Bool(y)) | (Value::Bool(y), Value::Str(x)) => {
                x.eq_ignore_ascii_case(if *y { "true" } else { "false" })
            }
            _ => false,
        },
    }
}

impl AttributeFilter {
    /// Whether a feature whose field has `value` (`None` when absent or null) passes.
    pub fn matches(&self, value: Option<&Value>) -> bool {
        let num = value.and_then(Value::as_f64);
        match &self.op {
            FilterOp::Eq(v) => value.is_some_and(|x| same(x, v)),
            FilterOp::Ne(v) => !value.is_some_and(|x| same(x, v)),
            FilterOp::In(vs) => value.is_some_and(|x| vs.iter().any(|v| same(x, v))),
            FilterOp::Lt(n) => num.is_some_and(|x| x < *n),
            FilterOp::Le(n) => num.is_some_and(|x| x <= *n),
            FilterOp::Gt(n) => num.is_some_and(|x| x > *n),
            FilterOp::Ge(n) => num.is_some_and(|x| x >= *n),
        }
    }

    /// Parses `field OP value`.
    pub fn parse(text: &str) -> Result<Self> {
        let err = |reason: &str| TileError::Filter {
            filter: text.to_string(),
            reason: format!(
                "{reason}; expected `field == value`, `field != value`, `field in [a, b]` \
                 or `field < number` (also <=, >, >=)"
            ),
        };
        let t = text.trim();
        if let Some(pos) = find_word(t, " in ") {
            let field = t[..pos].trim();
            let list = t[pos + 4..].trim();
            let inner = list
                .strip_prefix('[')
                .and_then(|l| l.strip_suffix(']'))
                .ok_or_else(|| err("the list after `in` must be in brackets"))?;
            let values = inner
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(parse_value)
                .collect();
            return Self::build(field, FilterOp::In(values)).ok_or_else(|| err("no field name"));
        }
        for (sym, make) in [
            ("==", 0u8),
            ("!=", 1),
            ("<=", 2),
            (">=", 3),
            ("<", 4),
            (">", 5),
            ("=", 0),
        ] {
            if let Some(pos) = t.find(sym) {
                let field = t[..pos].trim();
                let raw = t[pos + sym.len()..].trim();
                let value = parse_value(raw);
                let number = || {
                    value
                        .as_f64()
                        .ok_or_else(|| err("the value must be a number"))
                };
                let op = match make {
                    0 => FilterOp::Eq(value.clone()),
                    1 => FilterOp::Ne(value.clone()),
                    2 => FilterOp::Le(number()?),
                    3 => FilterOp::Ge(number()?),
                    4 => FilterOp::Lt(number()?),
                    _ => FilterOp::Gt(number()?),
                };
                return Self::build(field, op).ok_or_else(|| err("no field name"));
            }
        }
        Err(err("no operator found"))
    }

    fn build(field: &str, op: FilterOp) -> Option<Self> {
        let field = field.trim_matches(|c| c == '"' || c == '\'');
        (!field.is_empty()).then(|| AttributeFilter {
            field: field.to_string(),
            op,
        })
    }
}

fn find_word(t: &str, word: &str) -> Option<usize> {
    t.to_ascii_lowercase().find(word)
}

fn parse_value(raw: &str) -> Value {
    let raw = raw.trim();
    for q in ['"', '\''] {
        if let Some(s) = raw.strip_prefix(q).and_then(|r| r.strip_suffix(q)) {
            return Value::Str(s.to_string());
        }
    }
    if let Ok(i) = raw.parse::<i64>() {
        return Value::Int(i);
    }
    if let Ok(f) = raw.parse::<f64>() {
        return Value::Float(f);
    }
    match raw {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => Value::Str(raw.to_string()),
    }
}

impl std::str::FromStr for AttributeFilter {
    type Err = TileError;

    fn from_str(s: &str) -> Result<Self> {
        AttributeFilter::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_match_as_written() {
        let f = AttributeFilter::parse("dep == \"75\"").unwrap();
        assert!(f.matches(Some(&Value::Str("75".into()))));
        assert!(!f.matches(Some(&Value::Str("92".into()))));
        let f = AttributeFilter::parse("pop >= 1000").unwrap();
        assert!(f.matches(Some(&Value::Int(1000))));
        assert!(!f.matches(Some(&Value::Float(999.5))));
        assert!(!f.matches(None));
        let f = AttributeFilter::parse("kind in [a, 'b c', 3]").unwrap();
        assert!(f.matches(Some(&Value::Str("b c".into()))));
        assert!(f.matches(Some(&Value::Int(3))));
        assert!(!f.matches(Some(&Value::Str("d".into()))));
        assert!(AttributeFilter::parse("nothing here").is_err());
    }
}
