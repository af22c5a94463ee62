//! Content lines (RFC 5545 §3.1): unfolding, `NAME;PARAM=VALUE:value`, text escaping.

use super::error::{IcsError, IcsErrorKind};

/// One unfolded content line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ContentLine {
    /// 1-based line of the file where it starts.
    pub(crate) line: usize,
    /// The property name, upper case.
    pub(crate) name: String,
    /// Parameters, names upper case, quotes removed.
    pub(crate) params: Vec<(String, String)>,
    /// The raw value (not unescaped).
    pub(crate) value: String,
}

impl ContentLine {
    /// The value of parameter `name`, if present.
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(key, _)| key == name).map(|(_, value)| value.as_str())
    }
}

/// Joins folded lines (a line break followed by a space or tab continues the line), keeping
/// the number of the line each logical line starts on. Accepts CRLF and bare LF.
pub(crate) fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        match (raw.strip_prefix([' ', '\t']), lines.last_mut()) {
            (Some(rest), Some((_, last))) => last.push_str(rest),
            _ if raw.is_empty() => {}
            _ => lines.push((index + 1, raw.to_owned())),
        }
    }
    lines
}

/// Splits `NAME;P=V;Q="a:b":value` into its parts.
pub(crate) fn parse(line: usize, text: &str) -> Result<ContentLine, IcsError> {
    let name_end = text.find([';', ':']).ok_or(IcsError::at(line, IcsErrorKind::MissingColon))?;
    let name = text[..name_end].trim().to_ascii_uppercase();
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after.find('=').ok_or_else(|| bad_param(line, after))?;
        let key = after[..eq].to_ascii_uppercase();
        let mut value = String::new();
        let mut tail = &after[eq + 1..];
        loop {
            if let Some(quoted) = tail.strip_prefix('"') {
                let close = quoted.find('"').ok_or_else(|| bad_param(line, after))?;
                value.push_str(&quoted[..close]);
                tail = &quoted[close + 1..];
            } else {
                let end = tail.find([',', ';', ':']).unwrap_or(tail.len());
                value.push_str(&tail[..end]);
                tail = &tail[end..];
            }
            match tail.strip_prefix(',') {
                Some(more) => {
                    value.push(',');
                    tail = more;
                }
                None => break,
            }
        }
        params.push((key, value));
        rest = tail;
    }
    let value = rest.strip_prefix(':').ok_or(IcsError::at(line, IcsErrorKind::MissingColon))?;
    if name.is_empty() {
        return Err(IcsError::at(line, IcsErrorKind::MissingColon));
    }
    Ok(ContentLine { line, name, params, value: value.to_owned() })
}

fn bad_param(line: usize, text: &str) -> IcsError {
    let param = text.split([';', ':']).next().unwrap_or(text).to_owned();
    IcsError::at(line, IcsErrorKind::BadParameter { param })
}

/// Reads a TEXT value: `\n`, `\,`, `\;`, `\\`.
pub(crate) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Writes a TEXT value.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            other => out.push(other),
        }
    }
    out
}

/// Appends `line` folded at 75 octets (never inside a UTF-8 character), CRLF-terminated.
pub(crate) fn fold_into(out: &mut String, line: &str) {
    let mut budget = 75;
    let mut start = 0;
    for (index, c) in line.char_indices() {
        if index - start + c.len_utf8() > budget {
            out.push_str(&line[start..index]);
            out.push_str("\r\n ");
            start = index;
            budget = 74;
        }
    }
    out.push_str(&line[start..]);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unfolds_and_keeps_line_numbers() {
        let lines = unfold("A:1\r\nDESCRIPTION:long\r\n  text\r\n\tmore\r\nB:2\n");
        assert_eq!(lines, vec![(1, "A:1".to_owned()), (2, "DESCRIPTION:long text\tmore".replace('\t', "")), (5, "B:2".to_owned())]);
    }

    #[test]
    fn parses_quoted_parameters() {
        let line = parse(7, r#"ATTENDEE;CN="Doe, Jane";ROLE=REQ-PARTICIPANT:mailto:jane@example.com"#).unwrap();
        assert_eq!(line.name, "ATTENDEE");
        assert_eq!(line.param("CN"), Some("Doe, Jane"));
        assert_eq!(line.value, "mailto:jane@example.com");
        assert_eq!(parse(9, "NOCOLON").unwrap_err().line, 9);
    }

    #[test]
    fn escaping_round_trips() {
        let text = "Budget; Q3, final\\draft\nroom 2";
        assert_eq!(unescape(&escape(text)), text);
    }

    #[test]
    fn folds_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        fold_into(&mut out, &format!("SUMMARY:{}", "é".repeat(80)));
        assert!(out.split("\r\n").all(|line| line.len() <= 75));
        let back: String = unfold(&out).into_iter().map(|(_, line)| line).collect();
        assert_eq!(back, format!("SUMMARY:{}", "é".repeat(80)));
    }
}
