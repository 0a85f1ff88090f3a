//! How a document is read: where a value sits (its path, for the problems found there) and
//! the readers every section shares, for text and closed vocabularies.

use serde_json::{Map, Value};

use crate::domain::text::{self, Lines, Origin};
use crate::error::{Broken, Problems, Rule};

pub(super) const MAX_NARRATIVE_CHARS: usize = 20_000;
pub(super) const MAX_TEXT_CHARS: usize = 500;

/// Where in the document a value sits, and the problems found so far.
pub(super) struct Path<'p> {
    path: String,
    origin: Origin,
    problems: &'p mut Problems,
}

impl<'p> Path<'p> {
    pub(super) fn new(path: &str, origin: Origin, problems: &'p mut Problems) -> Self {
        Path {
            path: path.to_owned(),
            origin,
            problems,
        }
    }

    /// Text of `lines` kind, at most `max_chars` once trimmed.
    pub(super) fn text(
        &self,
        value: &Value,
        max_chars: usize,
        lines: Lines,
    ) -> Result<String, Broken> {
        text(value, max_chars, lines, self.origin)
    }

    pub(super) fn problem(&mut self, broken: Broken) {
        self.problems.add(self.path.clone(), broken);
    }

    pub(super) fn broke(&mut self, rule: Rule, message: impl Into<String>) {
        self.problem(Broken::new(rule, message));
    }

    pub(super) fn check<T>(&mut self, result: Result<T, Broken>) -> Option<T> {
        result.map_err(|m| self.problem(m)).ok()
    }

    pub(super) fn nullable<T>(
        &mut self,
        value: &Value,
        parse: impl FnOnce(&Value) -> Result<T, Broken>,
    ) -> Option<Option<T>> {
        if value.is_null() {
            Some(None)
        } else {
            self.check(parse(value)).map(Some)
        }
    }

    /// A section (an object) that may be `null`; `parse` reports its own problems.
    pub(super) fn nullable_section<T>(
        &mut self,
        value: &Value,
        parse: impl FnOnce(&Map<String, Value>, &mut Path<'_>) -> Option<T>,
    ) -> Option<Option<T>> {
        match value {
            Value::Null => Some(None),
            Value::Object(map) => parse(map, self).map(Some),
            other => {
                self.problem(Broken::new(
                    Rule::Other,
                    format!("must be an object or null (got {})", describe(other)),
                ));
                None
            }
        }
    }

    /// Runs `f` on the sub-path `key`.
    pub(super) fn at<T>(&mut self, key: &str, f: impl FnOnce(&mut Path<'_>) -> T) -> T {
        let mut sub = Path {
            path: if key.starts_with('[') {
                format!("{}{key}", self.path)
            } else {
                format!("{}.{key}", self.path)
            },
            origin: self.origin,
            problems: self.problems,
        };
        f(&mut sub)
    }

    pub(super) fn unknown_keys(&mut self, map: &Map<String, Value>, allowed: &[&str]) {
        for key in map.keys().filter(|k| !allowed.contains(&k.as_str())) {
            self.at(key, |p| {
                p.problem(Broken::new(
                    Rule::UnknownField,
                    format!(
                        "unknown field (a typo?); allowed here: {}",
                        allowed.join(", ")
                    ),
                ))
            });
        }
    }
}

pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => "a long text".into(),
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

/// A key of a closed vocabulary.
pub(super) fn vocab<T>(value: &Value, parse: fn(&str) -> Result<T, String>) -> Result<T, Broken> {
    match value {
        Value::String(s) => parse(s),
        other => parse("").map_err(|m| m.replacen("\"\"", &describe(other), 1)),
    }
    .map_err(|m| Broken::new(Rule::Choice, m))
}

pub(super) fn text(
    value: &Value,
    max_chars: usize,
    lines: Lines,
    origin: Origin,
) -> Result<String, Broken> {
    let Value::String(s) = value else {
        return Err(Broken::new(
            Rule::Other,
            format!("must be text (got {})", describe(value)),
        ));
    };
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(Broken::new(Rule::NotEmpty, "must not be empty"));
    }
    if origin == Origin::Author {
        text::check(trimmed, lines).map_err(|m| Broken::new(Rule::Characters, m))?;
    }
    let chars = trimmed.chars().count();
    if chars > max_chars {
        return Err(Broken::new(
            Rule::TooLong,
            format!("must be at most {max_chars} characters (got {chars})"),
        )
        .up_to(max_chars as u64));
    }
    Ok(trimmed.to_owned())
}

pub(super) fn optional_text(
    map: &Map<String, Value>,
    key: &str,
    at: &mut Path<'_>,
) -> Result<Option<String>, ()> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => at.at(key, |p| {
            let t = p.text(v, MAX_TEXT_CHARS, Lines::One);
            p.check(t).map(Some).ok_or(())
        }),
    }
}
