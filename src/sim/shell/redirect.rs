//! Redirections: here-documents (`cat > compose.yaml <<EOF` … `EOF`) and `>`/`>>` into a file.
//!
//! bash takes a redirection out of the command's words before the program runs: `<<WORD` feeds
//! the lines up to `WORD` to its standard input, `> FILE` and `>> FILE` send its standard output to
//! a file, truncated or appended (bash manual, "Redirections"). We do the same to the words of the
//! line and hand the text and the target to the program; only the file commands
//! (src/sim/files.rs) take them, and any other program refuses the line. Simplified: one
//! here-document and one output redirection per line, no file descriptors (`2>`, `>&`), no
//! expansion inside the document, and a missing delimiter only warns, as bash does at end of file.

use crate::sim::docker::error::DockerError;
use crate::sim::record::Record;

/// Takes `<<EOF` (or `<< 'EOF'`, `<<-EOF`) out of the words and returns the document's text.
pub(super) fn here_document(
    words: &mut Vec<String>,
    body: Option<&str>,
    rec: &mut Record,
) -> Result<Option<String>, DockerError> {
    let Some(i) = words.iter().position(|w| w.starts_with("<<")) else {
        return Ok(None);
    };
    let marker = words.remove(i);
    let inline = marker
        .trim_start_matches("<<")
        .trim_start_matches('-')
        .to_string();
    let delimiter = if inline.is_empty() {
        if i < words.len() {
            words.remove(i)
        } else {
            return Err(DockerError::new(
                "bash: syntax error near unexpected token `newline'",
                2,
            ));
        }
    } else {
        inline
    };
    let mut text = String::new();
    let mut closed = false;
    for line in body.unwrap_or("").split('\n') {
        if line.trim() == delimiter {
            closed = true;
            break;
        }
        text.push_str(line);
        text.push('\n');
    }
    if !closed {
        rec.err(format!(
            "bash: warning: here-document delimited by end-of-file (wanted `{delimiter}')"
        ));
    }
    Ok(Some(text))
}

/// Takes `> file` / `>> file` out of the words: (path, append).
pub(super) fn redirection(words: &mut Vec<String>) -> Result<Option<(String, bool)>, DockerError> {
    let Some(i) = words.iter().position(|w| w.starts_with('>')) else {
        return Ok(None);
    };
    let op = words.remove(i);
    let append = op.starts_with(">>");
    let inline = op.trim_start_matches('>').to_string();
    let path = if !inline.is_empty() {
        inline
    } else if i < words.len() {
        words.remove(i)
    } else {
        return Err(DockerError::new(
            "bash: syntax error near unexpected token `newline'",
            2,
        ));
    };
    Ok(Some((path, append)))
}

/// Takes `< file` out of the words (not `<<`, a here-document): the file to feed as standard
/// input.
pub(super) fn input_redirection(words: &mut Vec<String>) -> Result<Option<String>, DockerError> {
    let Some(i) = words
        .iter()
        .position(|w| w.starts_with('<') && !w.starts_with("<<"))
    else {
        return Ok(None);
    };
    let op = words.remove(i);
    let inline = op.trim_start_matches('<').to_string();
    if !inline.is_empty() {
        return Ok(Some(inline));
    }
    if i < words.len() {
        return Ok(Some(words.remove(i)));
    }
    Err(DockerError::new(
        "bash: syntax error near unexpected token `newline'",
        2,
    ))
}
