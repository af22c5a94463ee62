//! Typed access to the fields of the model's JSON object, with errors that name the
//! field, the expected type and what came instead.
//!
//! Optional fields may be absent or `null` (small local models drop nulls even when
//! the schema lists them); present fields must have the right type.

use serde_json::{Map, Value};

use super::error::LlmError;

/// The JSON type of a value, for error messages.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// One JSON object being read, for one intent kind.
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    /// The intent kind, for [`LlmError::MissingField`].
    kind: &'a str,
    /// Where this object sits (`""` at the top, `"preference."` inside).
    prefix: &'static str,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(value: &'a Value, kind: &'a str, prefix: &'static str, name: &str) -> Result<Self, LlmError> {
        match value {
            Value::Object(map) => Ok(Self { map, kind, prefix }),
            other => Err(LlmError::WrongType { field: name.to_string(), expected: "an object", found: type_name(other) }),
        }
    }

    pub(crate) fn path(&self, field: &str) -> String {
        format!("{}{field}", self.prefix)
    }

    fn wrong(&self, field: &str, expected: &'static str, v: &Value) -> LlmError {
        LlmError::WrongType { field: self.path(field), expected, found: type_name(v) }
    }

    /// The value, or `None` when absent or null.
    pub(crate) fn get(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    /// The error for a field that the intent needs but did not get.
    pub(crate) fn missing(&self, field: &str) -> LlmError {
        LlmError::MissingField { kind: self.kind.to_string(), field: self.path(field) }
    }

    /// The value, which must be present and not null.
    pub(crate) fn require(&self, field: &str) -> Result<&'a Value, LlmError> {
        self.get(field).ok_or_else(|| self.missing(field))
    }

    pub(crate) fn opt_str(&self, field: &str) -> Result<Option<&'a str>, LlmError> {
        self.get(field).map(|v| v.as_str().ok_or_else(|| self.wrong(field, "a string", v))).transpose()
    }

    pub(crate) fn str(&self, field: &str) -> Result<&'a str, LlmError> {
        let v = self.require(field)?;
        v.as_str().ok_or_else(|| self.wrong(field, "a string", v))
    }

    /// A non-empty trimmed string, or `None` (models sometimes send `""` for "not stated").
    pub(crate) fn opt_text(&self, field: &str) -> Result<Option<String>, LlmError> {
        Ok(self.opt_str(field)?.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string))
    }

    pub(crate) fn opt_u32(&self, field: &str) -> Result<Option<u32>, LlmError> {
        self.get(field)
            .map(|v| {
                v.as_u64()
                    .and_then(|n| u32::try_from(n).ok())
                    .ok_or_else(|| self.wrong(field, "a non-negative integer", v))
            })
            .transpose()
    }

    pub(crate) fn u32(&self, field: &str) -> Result<u32, LlmError> {
        self.require(field)?;
        self.opt_u32(field).map(|n| n.unwrap_or_default())
    }

    /// An array of strings; absent or null is empty unless `required`.
    pub(crate) fn strings(&self, field: &str, required: bool) -> Result<Vec<&'a str>, LlmError> {
        let v = if required { Some(self.require(field)?) } else { self.get(field) };
        let Some(v) = v else { return Ok(Vec::new()) };
        let items = v.as_array().ok_or_else(|| self.wrong(field, "an array of strings", v))?;
        items.iter().map(|item| item.as_str().ok_or_else(|| self.wrong(field, "an array of strings", item))).collect()
    }

    /// A closed-vocabulary value read through core's serde names (`"afternoon"`).
    pub(crate) fn opt_enum<T: serde::de::DeserializeOwned>(&self, field: &str) -> Result<Option<T>, LlmError> {
        self.opt_str(field)?.map(|s| self.parse_enum(field, s)).transpose()
    }

    pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(&self, field: &str, s: &str) -> Result<T, LlmError> {
        serde_json::from_value(Value::String(s.to_string()))
            .map_err(|_| LlmError::UnknownValue { field: self.path(field), value: s.to_string() })
    }
}
