//! `${VAR}` interpolation, as compose-go's `template` package does it.
//!
//! Real Compose substitutes variables from the shell environment and the project's `.env` file in
//! every string of the file (keys are left alone) before validating it: `$VAR`, `${VAR}`,
//! `${VAR:-default}` (unset or empty), `${VAR-default}` (unset), `${VAR:?err}` / `${VAR?err}`
//! (required), `${VAR:+alt}` / `${VAR+alt}`, and `$$` for a literal `$`. An unset variable with no
//! default becomes "" with a warning. The simulated shell exports nothing, so only `.env` counts.
//! Nested templates inside defaults (`${A:-${B}}`) are resolved one level deep, as compose-go does.
//! Not simulated: compose-go afterwards casts known numeric and boolean fields (`retries: ${N}`)
//! back from strings; here such a field stays a string and fails schema validation.

use std::collections::BTreeMap;

/// What went wrong, in compose-go's words (the caller adds the path).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TemplateError {
    /// compose-go `InvalidTemplateError`.
    Invalid(String),
    /// compose-go `MissingRequiredError`.
    Missing { variable: String, reason: String },
}

impl TemplateError {
    /// The full message for a value at `path` (compose-go loader/interpolate.go).
    pub fn message(&self, path: &str) -> String {
        match self {
            // compose-go interpolation/interpolation.go newPathError: three lines.
            TemplateError::Invalid(template) => format!(
                "invalid interpolation format for {path}.\nYou may need to escape any $ with another $.\n{template}"
            ),
            TemplateError::Missing { variable, reason } if reason.is_empty() => format!(
                "error while interpolating {path}: required variable {variable} is missing a value"
            ),
            TemplateError::Missing { variable, reason } => format!(
                "error while interpolating {path}: required variable {variable} is missing a value: {reason}"
            ),
        }
    }
}

/// Reads a `.env` file: `KEY=VALUE` lines, `#` comments, optional `export `, quotes removed.
pub fn parse_env_file(text: &str) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let value = value.trim();
        let value = if value.len() >= 2
            && ((value.starts_with('"') && value.ends_with('"'))
                || (value.starts_with('\'') && value.ends_with('\'')))
        {
            value[1..value.len() - 1].to_string()
        } else {
            // An unquoted value ends at ` #`.
            value
                .split(" #")
                .next()
                .unwrap_or("")
                .trim_end()
                .to_string()
        };
        vars.insert(key.trim().to_string(), value);
    }
    vars
}

fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_name_char(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

/// Substitutes one string; `unset` collects the variables that were not set (for the warning).
pub fn substitute(
    text: &str,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<String, TemplateError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('$') => {
                out.push('$');
                i += 2;
            }
            Some('{') => {
                // Find the matching brace (defaults may nest one template).
                let mut depth = 0;
                let mut end = None;
                for (j, &ch) in chars.iter().enumerate().skip(i + 1) {
                    if ch == '{' {
                        depth += 1;
                    } else if ch == '}' {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(j);
                            break;
                        }
                    }
                }
                let Some(end) = end else {
                    return Err(TemplateError::Invalid(text.to_string()));
                };
                let inner: String = chars[i + 2..end].iter().collect();
                out.push_str(&braced(&inner, text, vars, unset)?);
                i = end + 1;
            }
            Some(&n) if is_name_start(n) => {
                let mut j = i + 1;
                while j < chars.len() && is_name_char(chars[j]) {
                    j += 1;
                }
                let name: String = chars[i + 1..j].iter().collect();
                match vars.get(&name) {
                    Some(v) => out.push_str(v),
                    None => unset.push(name),
                }
                i = j;
            }
            _ => return Err(TemplateError::Invalid(text.to_string())),
        }
    }
    Ok(out)
}

fn braced(
    inner: &str,
    whole: &str,
    vars: &BTreeMap<String, String>,
    unset: &mut Vec<String>,
) -> Result<String, TemplateError> {
    let name_len = inner
        .char_indices()
        .find(|&(_, c)| !is_name_char(c))
        .map_or(inner.len(), |(i, _)| i);
    let name = &inner[..name_len];
    if name.is_empty() || !name.starts_with(is_name_start) {
        return Err(TemplateError::Invalid(whole.to_string()));
    }
    let rest = &inner[name_len..];
    let value = vars.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let (op, arg) = ["-", ":-", "?", ":?", "+", ":+"]
        .iter()
        .filter_map(|op| rest.strip_prefix(op).map(|arg| (*op, arg)))
        .max_by_key(|(op, _)| op.len())
        .unwrap_or(("", rest));
    match op {
        "" if rest.is_empty() => Ok(match value {
            Some(v) => v.clone(),
            None => {
                unset.push(name.to_string());
                String::new()
            }
        }),
        "" => Err(TemplateError::Invalid(whole.to_string())),
        ":-" if !set_nonempty => substitute(arg, vars, unset),
        "-" if value.is_none() => substitute(arg, vars, unset),
        ":?" if !set_nonempty => Err(TemplateError::Missing {
            variable: name.to_string(),
            reason: substitute(arg, vars, unset)?,
        }),
        "?" if value.is_none() => Err(TemplateError::Missing {
            variable: name.to_string(),
            reason: substitute(arg, vars, unset)?,
        }),
        ":+" if set_nonempty => substitute(arg, vars, unset),
        "+" if value.is_some() => substitute(arg, vars, unset),
        ":+" | "+" => Ok(String::new()),
        _ => Ok(value.cloned().unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> BTreeMap<String, String> {
        parse_env_file("# comment\nTAG=1.25\nEMPTY=\nexport PORT=8080\nQ=\"quoted value\"\n")
    }

    fn sub(text: &str) -> Result<String, TemplateError> {
        substitute(text, &vars(), &mut Vec::new())
    }

    #[test]
    fn env_file_lines() {
        let v = vars();
        assert_eq!(v["TAG"], "1.25");
        assert_eq!(v["EMPTY"], "");
        assert_eq!(v["PORT"], "8080");
        assert_eq!(v["Q"], "quoted value");
    }

    #[test]
    fn plain_and_braced() {
        assert_eq!(sub("nginx:${TAG}").unwrap(), "nginx:1.25");
        assert_eq!(sub("$PORT:80").unwrap(), "8080:80");
        assert_eq!(sub("cost $$5").unwrap(), "cost $5");
    }

    #[test]
    fn defaults_colon_and_not() {
        assert_eq!(sub("${NOPE:-x}").unwrap(), "x");
        assert_eq!(sub("${EMPTY:-x}").unwrap(), "x");
        assert_eq!(sub("${EMPTY-x}").unwrap(), "");
        assert_eq!(sub("${NOPE-x}").unwrap(), "x");
        assert_eq!(sub("${TAG:-x}").unwrap(), "1.25");
        assert_eq!(sub("${NOPE:-${TAG}}").unwrap(), "1.25");
        assert_eq!(sub("${TAG:+on}").unwrap(), "on");
        assert_eq!(sub("${NOPE:+on}").unwrap(), "");
    }

    #[test]
    fn required_variables() {
        let e = sub("${NOPE:?set NOPE}").unwrap_err();
        assert_eq!(
            e.message("services.web.image"),
            "error while interpolating services.web.image: required variable NOPE is missing a value: set NOPE"
        );
        assert!(sub("${EMPTY:?x}").is_err());
        assert_eq!(sub("${EMPTY?x}").unwrap(), "");
    }

    #[test]
    fn unset_is_blank_and_reported() {
        let mut unset = Vec::new();
        assert_eq!(substitute("a${NOPE}b", &vars(), &mut unset).unwrap(), "ab");
        assert_eq!(unset, vec!["NOPE".to_string()]);
    }

    #[test]
    fn invalid_templates() {
        // compose-go interpolation_test.go TestInvalidInterpolation.
        let e = sub("${").unwrap_err();
        assert_eq!(
            e.message("servicea.image"),
            "invalid interpolation format for servicea.image.\nYou may need to escape any $ with another $.\n${"
        );
        assert!(sub("${A B}").is_err());
        assert!(sub("price $5").is_err());
    }
}
