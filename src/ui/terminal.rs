//! The terminal: what the host's shell printed up to the step shown, and a prompt that takes real
//! `docker` syntax.
//!
//! A real terminal scrolls forever and cannot go back; this one shows, for steps 1..=cursor, what
//! each step printed, so stepping back un-prints. Enter sends the line to the simulation (a line
//! starting with `!` injects a fault, `clear` hides the past locally); Up/Down browse the lines
//! typed before; Escape leaves the prompt so the page's shortcuts work again. A line with `<<WORD`
//! keeps the input open with bash's `> ` prompt until a line equal to WORD, then submits the whole
//! here-document; a multi-line paste is fed line by line the same way. While a command is
//! still running (a `docker stop` in its grace period, `sleep`), the prompt says so: time only
//! passes when the reader steps forward. After `ssh node-2` (no command) the shell runs on node-2
//! until `exit`: the prompt, and each line typed there, reads `node-2 $ ` instead of `$ `.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::session::{Line, LineKind};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    /// Each line with the step it belongs to.
    pub lines: Rc<Vec<(usize, Line)>>,
    pub cursor: usize,
    pub len: usize,
    /// The prompt has not returned yet.
    pub busy: bool,
    /// Lines typed before, oldest first.
    pub history: Rc<Vec<String>>,
    pub on_submit: Callback<String>,
    /// Example commands to offer (the page's `examples`; none in the compact embed); the first is
    /// the placeholder.
    #[prop_or_default]
    pub examples: &'static [&'static str],
    /// The machine the shell is on when it is not the lab's own terminal (after `ssh node-2`):
    /// the prompt names it.
    #[prop_or_default]
    pub host: Option<AttrValue>,
}

/// The delimiter of a here-document started on this line (`cat > f <<EOF`, `<<-'EOF'`), if any.
pub fn heredoc_delimiter(line: &str) -> Option<String> {
    let rest = &line[line.find("<<")? + 2..];
    let rest = rest.trim_start_matches('-').trim_start();
    let word: String = rest
        .trim_start_matches(['\'', '"'])
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

/// A here-document being typed: the lines so far and the delimiter that ends it.
type Pending = Option<(String, String)>;

/// Feeds one typed line: returns the command to submit once it is complete. A line with `<<WORD`
/// keeps the input open (a `> ` prompt) until a line equal to WORD, as bash does.
fn feed(pending: &mut Pending, line: &str) -> Option<String> {
    match pending.take() {
        Some((mut text, delimiter)) => {
            text.push('\n');
            text.push_str(line);
            if line.trim() == delimiter {
                Some(text)
            } else {
                *pending = Some((text, delimiter));
                None
            }
        }
        None => match heredoc_delimiter(line) {
            Some(delimiter) => {
                *pending = Some((line.to_string(), delimiter));
                None
            }
            None => Some(line.to_string()),
        },
    }
}

/// Long because it is one component: the scrollback, the prompt and its key handling (history,
/// completion, paste) share the same state hooks.
#[function_component(Terminal)]
pub fn terminal(props: &TerminalProps) -> Html {
    let input_ref = use_node_ref();
    let output_ref = use_node_ref();
    // Where Up/Down is in the history (None = the line being written), and that line.
    let browse = use_mut_ref(|| (None::<usize>, String::new()));
    // A here-document being typed, and a way to redraw its lines.
    let pending = use_mut_ref(|| None::<(String, String)>);
    let redraw = use_force_update();

    {
        let output_ref = output_ref.clone();
        let key = (props.lines.len(), props.cursor);
        use_effect_with(key, move |_| {
            if let Some(el) = output_ref.cast::<web_sys::Element>() {
                super::dom::scroll_to_end(&el);
            }
        });
    }

    // A multi-line paste: each line as if typed and Entered.
    let onpaste = {
        let on_submit = props.on_submit.clone();
        let pending = pending.clone();
        let redraw = redraw.clone();
        let input_ref = input_ref.clone();
        Callback::from(move |e: Event| {
            let Some(text) = e
                .dyn_ref::<web_sys::ClipboardEvent>()
                .and_then(|c| c.clipboard_data())
                .and_then(|d| d.get_data("text").ok())
            else {
                return;
            };
            if !text.contains('\n') {
                return;
            }
            e.prevent_default();
            let Some(input) = input_ref.cast::<web_sys::HtmlInputElement>() else {
                return;
            };
            let typed = input.value();
            let text = format!("{typed}{}", text.trim_end_matches('\n'));
            let mut lines: Vec<&str> = text.split('\n').collect();
            // The last line stays in the input, unless it closes a here-document.
            let last = lines.pop().unwrap_or("");
            let mut p = pending.borrow_mut();
            for line in lines {
                if let Some(command) = feed(&mut p, line.trim_end_matches('\r')) {
                    on_submit.emit(command);
                }
            }
            if p.as_ref().is_some_and(|(_, d)| last.trim() == d) {
                if let Some(command) = feed(&mut p, last) {
                    on_submit.emit(command);
                }
                input.set_value("");
            } else {
                input.set_value(last);
            }
            drop(p);
            redraw.force_update();
        })
    };

    let onkeydown = {
        let input_ref = input_ref.clone();
        let history = props.history.clone();
        let on_submit = props.on_submit.clone();
        let browse = browse.clone();
        let pending = pending.clone();
        let redraw = redraw.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(input) = input_ref.cast::<web_sys::HtmlInputElement>() else {
                return;
            };
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    let line = input.value();
                    input.set_value("");
                    *browse.borrow_mut() = (None, String::new());
                    let command = feed(&mut pending.borrow_mut(), &line);
                    redraw.force_update();
                    if let Some(command) = command {
                        on_submit.emit(command);
                    }
                }
                "ArrowUp" if !history.is_empty() => {
                    e.prevent_default();
                    let mut b = browse.borrow_mut();
                    let next = match b.0 {
                        None => {
                            b.1 = input.value();
                            history.len() - 1
                        }
                        Some(i) => i.saturating_sub(1),
                    };
                    b.0 = Some(next);
                    input.set_value(history.get(next).map(String::as_str).unwrap_or(""));
                }
                "ArrowDown" => {
                    let mut b = browse.borrow_mut();
                    if let Some(i) = b.0 {
                        e.prevent_default();
                        if i + 1 < history.len() {
                            b.0 = Some(i + 1);
                            input.set_value(&history[i + 1]);
                        } else {
                            b.0 = None;
                            let draft = std::mem::take(&mut b.1);
                            input.set_value(&draft);
                        }
                    }
                }
                "Escape" => {
                    let _ = input.blur();
                }
                _ => {}
            }
        })
    };

    let focus_prompt = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            // A click in the output focuses the prompt, unless the reader is selecting text.
            let selecting = super::dom::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting && let Some(input) = input_ref.cast::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        })
    };

    // A one-line example goes into the prompt; a here-document (several lines, which a one-line
    // input cannot hold) is typed at once, as a paste of it would be.
    let example = |text: &'static str| {
        let input_ref = input_ref.clone();
        let on_submit = props.on_submit.clone();
        Callback::from(move |_: MouseEvent| {
            if text.contains('\n') {
                on_submit.emit(text.to_string());
            } else if let Some(input) = input_ref.cast::<web_sys::HtmlInputElement>() {
                input.set_value(text);
                let _ = input.focus();
            }
        })
    };

    let lines = props.lines.iter().enumerate().map(|(i, (step, line))| {
        let class = match line.kind {
            LineKind::Prompt => "ln prompt",
            LineKind::Fault => "ln fault",
            LineKind::Out => "ln",
            // Progress on stderr reads in the normal colour; only a failed step's lines are red.
            LineKind::Stderr => "ln stderr",
            LineKind::Err => "ln err",
            LineKind::Note => "ln note",
        };
        let first_of_step = i == 0 || props.lines[i - 1].0 != *step;
        let class = if first_of_step && i > 0 { format!("{class} new-step") } else { class.to_string() };
        // Each line ends with a newline, so the output's text reads as a terminal's would (and
        // copies as one); a trailing newline adds no height.
        let text = match line.kind {
            // The `$ ` is decoration; the machine a line was typed on is not.
            LineKind::Prompt => match &line.host {
                Some(host) => html! { <><span class="ps1">{host.clone()}<span aria-hidden="true">{" $ "}</span></span>{format!("{}\n", line.text)}</> },
                None => html! { <><span class="ps1" aria-hidden="true">{"$ "}</span>{format!("{}\n", line.text)}</> },
            },
            LineKind::Note => html! { {format!("# {}\n", line.text)} },
            _ => html! { {format!("{}\n", line.text)} },
        };
        html! { <div key={i} class={class}>{text}</div> }
    });
    let placeholder = props.lines.is_empty().then(|| {
        html! { <div key="placeholder" class="ln note">{"# The terminal of the host. Type a docker command below; try `help`."}</div> }
    });
    let lines = placeholder.into_iter().chain(lines);

    let ps1 = crate::sim::record::TermLine::ps1(props.host.as_deref());
    let aria_label = match &props.host {
        Some(host) => format!("Type a command on {host}"),
        None => "Type a command".to_string(),
    };
    let fork_note = (props.cursor < props.len).then(|| {
        html! {
            <p class="fork-note">
                {format!("You are at step {} of {}: a command typed here replaces steps {}–{} with your own.", props.cursor, props.len, props.cursor + 1, props.len)}
            </p>
        }
    });

    html! {
        <div class="terminal">
            <div class="term-screen" onclick={focus_prompt}>
                // Focusable: it scrolls, and a keyboard reader scrolls it with the arrows once it has the focus.
                <div class="term-out" data-testid="terminal-output" ref={output_ref} role="log" aria-label="Terminal output" tabindex="0">
                    // Only keyed rows in here, nothing unkeyed beside them: yew diffs the rows by
                    // key, so a step that prints one line adds one row. (A list with an unkeyed
                    // child is diffed by position from its end, which rebuilt every row.)
                    { for lines }
                </div>
                if let Some((text, _)) = pending.borrow().as_ref() {
                    <div class="term-heredoc" data-testid="heredoc">
                        { for text.split('\n').enumerate().map(|(i, l)| html! {
                            <div class="ln">{ if i == 0 { format!("{ps1}{l}") } else { format!("> {l}") } }</div>
                        }) }
                    </div>
                }
                <div class="term-prompt">
                    <label class="ps1" for="terminal-input" data-testid="terminal-ps1">{ if pending.borrow().is_some() { ">".to_string() } else { ps1.trim_end().to_string() } }</label>
                    <input id="terminal-input" class="term-input" data-testid="terminal-input" ref={input_ref.clone()} type="text"
                        autocomplete="off" autocapitalize="off" spellcheck="false" enterkeyhint="send"
                        placeholder={props.examples.first().and_then(|e| e.lines().next()).unwrap_or("docker ps -a")} aria-label={aria_label} {onkeydown} {onpaste} />
                </div>
            </div>
            if props.busy {
                <p class="busy-hint" data-testid="busy-hint">{"(waiting: step forward ▸ to let time pass)"}</p>
            }
            { fork_note.unwrap_or_default() }
            if !props.examples.is_empty() {
                <div class="examples" aria-label="Example commands">
                    <span class="examples-label">{"Try:"}</span>
                    { for props.examples.iter().map(|ex| html! {
                        if ex.contains('\n') {
                            <button class="chip" key={*ex} onclick={example(ex)} title={format!("Type this here-document:\n{ex}")}>
                                {format!("{} …", ex.lines().next().unwrap_or_default())}
                            </button>
                        } else {
                            <button class="chip" key={*ex} onclick={example(ex)} title="Put this in the prompt (then press Enter)">{*ex}</button>
                        }
                    }) }
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn here_documents_collect_until_the_delimiter() {
        assert_eq!(
            heredoc_delimiter("cat > Dockerfile <<EOF").as_deref(),
            Some("EOF")
        );
        assert_eq!(
            heredoc_delimiter("cat <<- 'END' > x").as_deref(),
            Some("END")
        );
        assert_eq!(heredoc_delimiter("docker ps"), None);
        let mut p = None;
        assert_eq!(feed(&mut p, "cat > f <<EOF"), None);
        assert_eq!(feed(&mut p, "FROM alpine"), None);
        assert_eq!(
            feed(&mut p, "EOF").as_deref(),
            Some("cat > f <<EOF\nFROM alpine\nEOF")
        );
        assert!(p.is_none());
        assert_eq!(feed(&mut p, "ls").as_deref(), Some("ls"));
    }
}

#[cfg(test)]
mod example_tests {
    use crate::scenario::catalogue;
    use crate::ui::session::{Session, Typed};
    use crate::ui::url;

    /// What a line printed: its step's terminal and narration, or its refusal.
    fn typed(s: &mut Session, line: &str) -> (Typed, String) {
        let how = s.type_line(line);
        let text = match how {
            Typed::Step => {
                let r = s.run.timeline.last_record().expect("a step");
                format!("{}\n{}", r.terminal_text(), r.narration.join("\n"))
            }
            Typed::Refused => s
                .scratch
                .last()
                .map(|x| {
                    x.lines
                        .iter()
                        .map(|l| l.text.clone())
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .unwrap_or_default(),
            _ => String::new(),
        };
        // Let the prompt come back before the next one, as a reader would.
        for _ in 0..300 {
            if !s.run.timeline.world().shell.is_busy() || !s.forward() {
                break;
            }
        }
        (how, text)
    }

    /// `help` lists the swarm's commands (and says where the shell is) on the swarm pages, and
    /// every group of commands everywhere.
    #[test]
    fn help_lists_the_swarm_commands_on_the_swarm_pages() {
        for slug in [
            "swarm-basics",
            "swarm-overlay-networks",
            "swarm-deployment-strategies",
            "containers-lifecycle",
        ] {
            let page = catalogue::page(slug).expect("page");
            let mut s = Session::open(page, &url::parse("scenario=free"));
            let (how, text) = typed(&mut s, "help");
            assert_eq!(how, Typed::Step, "{slug}");
            for word in [
                "Swarm Commands:",
                "  node ",
                "  service ",
                "  stack ",
                "  swarm ",
                "  network ",
                "  compose*",
                "!kill NODE",
                "!crash NAME",
            ] {
                assert!(text.contains(word), "{slug}: no {word:?} in\n{text}");
            }
            let swarm = slug.starts_with("swarm-");
            assert_eq!(
                text.contains("This shell is on node-1, one of a 5-machine swarm"),
                swarm,
                "{slug}: {text}"
            );
        }
    }
}
