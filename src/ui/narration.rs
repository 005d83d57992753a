//! The narration: every known step in words, the transcript's guide notes before the steps they
//! introduce, the current step highlighted and the known future dimmed. Clicking an entry seeks.
//!
//! This is also the picture's text equivalent for screen readers. Steps the reader typed are
//! marked "yours"; a guide note whose part of the transcript was replaced by the reader's own
//! line is no longer shown. The end of an untouched scenario is marked, so steps run past it
//! (scheduled events the reader stepped into with →) read as extra, after the conclusion. A
//! command typed after `ssh node-2` is titled as its prompt read: `node-2 $ docker ps`.
//!
//! A long run (a practice mission is 1,500 steps, 9,000 elements) is shown as a window of
//! [`WINDOW_STEPS`] steps either side of the current one, with a button for the rest: redrawing
//! and restyling every entry on each seek cost a desktop browser about 300 ms.

use std::rc::Rc;

use yew::prelude::*;

use super::rich;
use crate::scenario::Run;
use crate::sim::record::{Record, Stream};
use crate::sim::time::clock;

#[derive(Clone, PartialEq, Debug)]
pub enum Item {
    /// A guide note of the transcript, read before step `before`.
    Note { before: usize, lines: Vec<String> },
    Step {
        k: usize,
        clock: String,
        title: String,
        lines: Vec<String>,
        error: bool,
        yours: bool,
    },
    /// The end of the scenario as written, after step `after` and its concluding note.
    End { after: usize },
    /// What step 0 is (always the first item): a fresh host, or a swarm.
    Start { title: String },
}

/// Step 0 in words: what the scenario (or free play) starts from.
pub fn start_title(run: &Run) -> String {
    let world = run.timeline.start();
    if world.swarm.active() {
        let managers = world.swarm.managers().count();
        let workers = world.swarm.machines.len().saturating_sub(managers);
        let s = |n: usize| if n == 1 { "" } else { "s" };
        format!(
            "start: a swarm of {managers} manager{} and {workers} worker{}",
            s(managers),
            s(workers)
        )
    } else if run.scenario.project.is_some() {
        "start: a fresh host and the project folder".to_string()
    } else {
        "start: a fresh host".to_string()
    }
}

/// A step's title; a command typed on a machine the terminal moved to names it, as its prompt
/// line does (`node-2 $ docker ps`).
fn step_title(record: &Record) -> String {
    let host = record
        .terminal
        .iter()
        .find(|l| l.stream == Stream::Prompt)
        .and_then(|l| l.host.as_deref());
    match (host, record.title.strip_prefix("$ ")) {
        (Some(host), Some(command)) => format!("{host} $ {command}"),
        _ => record.title.clone(),
    }
}

/// The items of a run, in reading order. A guide note is shown only where the transcript still
/// holds: once the reader has typed their own line at some step, the notes from there on belong
/// to a future that no longer exists.
pub fn items(run: &Run) -> Vec<Item> {
    let records = run.timeline.records();
    let typed: Vec<usize> = run
        .timeline
        .inputs()
        .map(|(k, _)| k)
        .filter(|k| !run.is_scripted(*k))
        .collect();
    let note = |j: usize| -> Option<Item> {
        let lines = run.notes.get(&j)?;
        (run.is_scripted(j) && !typed.contains(&(j + 1))).then(|| Item::Note {
            before: j + 1,
            lines: lines.clone(),
        })
    };
    // Only while the transcript holds: once the reader types, the story is theirs.
    let end = (!run.taken_over && run.scripted_steps > 0).then_some(run.scripted_steps);
    let mut out = vec![Item::Start {
        title: start_title(run),
    }];
    for (k, record) in records.iter().enumerate().map(|(i, r)| (i + 1, r)) {
        out.extend(note(k - 1));
        if end == Some(k - 1) {
            out.push(Item::End { after: k - 1 });
        }
        out.push(Item::Step {
            k,
            clock: clock(record.at_ms),
            title: step_title(record),
            lines: record.narration.clone(),
            error: record.error,
            yours: typed.contains(&k),
        });
    }
    out.extend(note(records.len()));
    if end == Some(records.len()) {
        out.push(Item::End {
            after: records.len(),
        });
    }
    out
}

/// A note read before step `before`: "next" when it introduces the step ahead.
fn note_when(before: usize, cursor: usize) -> &'static str {
    if before == cursor + 1 {
        "next"
    } else if before > cursor + 1 {
        "future"
    } else {
        "past"
    }
}

/// How many steps either side of the current one the list shows until the reader asks for all.
pub const WINDOW_STEPS: usize = 20;

/// The step an item sits at: a note and the end mark sit just before the step they precede.
fn position(item: &Item) -> usize {
    match item {
        Item::Start { .. } => 0,
        Item::Note { before, .. } => *before,
        Item::Step { k, .. } => *k,
        Item::End { after } => after + 1,
    }
}

fn step_count(items: &[Item]) -> usize {
    items
        .iter()
        .filter(|i| matches!(i, Item::Step { .. }))
        .count()
}

/// The positions shown: everything for a short run or once the reader asked for all, otherwise
/// [`WINDOW_STEPS`] either side of the cursor.
fn window(items: &[Item], cursor: usize, show_all: bool) -> (usize, usize) {
    if show_all || step_count(items) <= 2 * WINDOW_STEPS + 1 {
        (0, usize::MAX)
    } else {
        (cursor.saturating_sub(WINDOW_STEPS), cursor + WINDOW_STEPS)
    }
}

/// The row that stands for the steps outside the window: pressing it shows them all.
fn more_button(what: String, testid: &'static str, show_all: UseStateHandle<bool>) -> Html {
    html! {
        <li key={testid} class="note window-more" data-testid={testid}>
            <button onclick={Callback::from(move |_: MouseEvent| show_all.set(true))}>{what}</button>
        </li>
    }
}

/// The list's first row: step 0, what the run starts from.
fn start_row(title: String, cursor: usize, onclick: Callback<MouseEvent>) -> Html {
    html! {
        <li key="start" class={classes!("entry", "start", if cursor == 0 { "current" } else { "past" })}
            data-testid="narration-start" {onclick}>
            <button class="entry-head" title="Go to the start">
                <span class="entry-k">{"0"}</span>
                <span class="entry-clock">{clock(0)}</span>
                <span class="entry-title">{title}</span>
            </button>
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    pub items: Rc<Vec<Item>>,
    pub cursor: usize,
    pub on_seek: Callback<usize>,
}

#[function_component(Narration)]
pub fn narration(props: &NarrationProps) -> Html {
    let list_ref = use_node_ref();
    let show_all = use_state(|| false);
    {
        let list_ref = list_ref.clone();
        use_effect_with((props.cursor, props.items.len()), move |_| {
            if let Some(list) = list_ref.cast::<web_sys::Element>() {
                if let Ok(Some(current)) = list.query_selector(".current") {
                    super::dom::scroll_within(&list, &current);
                } else if let Ok(Some(first)) = list.query_selector("li") {
                    super::dom::scroll_within(&list, &first);
                }
            }
        });
    }
    let cursor = props.cursor;
    let seek = |k: usize| {
        let cb = props.on_seek.clone();
        Callback::from(move |_: MouseEvent| cb.emit(k))
    };
    let start = props
        .items
        .iter()
        .find_map(|i| match i {
            Item::Start { title } => Some(title.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "start".to_string());
    let (lo, hi) = window(&props.items, cursor, *show_all);
    let steps = step_count(&props.items);
    let earlier = lo.saturating_sub(1);
    let later = steps.saturating_sub(hi);
    let show = |what: String, testid: &'static str| more_button(what, testid, show_all.clone());
    let entries = props.items.iter().filter(|i| (lo..=hi).contains(&position(i))).filter_map(|item| Some(match item {
        // Drawn as the list's head, below.
        Item::Start { .. } => return None,
        Item::Note { before, lines } => html! {
            <li key={format!("note-{before}")} class={classes!("note", note_when(*before, cursor))}>
                <blockquote>{ for lines.iter().map(|l| html! { <p>{rich(l)}</p> }) }</blockquote>
            </li>
        },
        Item::End { after } => html! {
            <li key="end" class={classes!("note", "end-of-scenario", note_when(*after + 1, cursor))} data-testid="narration-end">
                <blockquote><p>
                    <strong>{"End of the scenario."}</strong>
                    { if *after < cursor {
                        " The steps below ran past it: scheduled events you stepped into with →."
                    } else {
                        " Past this point, → runs whatever is still scheduled, one event at a time (its button says what, or is disabled when nothing is)."
                    } }
                </p></blockquote>
            </li>
        },
        Item::Step { k, clock, title, lines, error, yours } => {
            let when = match k.cmp(&cursor) {
                std::cmp::Ordering::Less => "past",
                std::cmp::Ordering::Equal => "current",
                std::cmp::Ordering::Greater => "future",
            };
            html! {
                <li key={format!("step-{k}")} class={classes!("entry", when, error.then_some("error"))}
                    data-testid="narration-entry" data-step={k.to_string()} onclick={seek(*k)}
                    aria-current={if *k == cursor { "step" } else { "false" }}>
                    <button class="entry-head" title={format!("Go to step {k}")}>
                        <span class="entry-k">{k.to_string()}</span>
                        <span class="entry-clock">{clock.clone()}</span>
                        <span class="entry-title">{title.clone()}</span>
                        if *yours { <span class="tag">{"yours"}</span> }
                    </button>
                    { for lines.iter().map(|l| html! { <p>{rich(l)}</p> }) }
                </li>
            }
        }
    }));
    // Every child of the list has a key and there is nothing else in it (no `if` block, which
    // would be an unkeyed child): yew then diffs the list by key, so a window that moves by one
    // step moves one row, where a positional diff would rebuild every row in sight.
    let head = start_row(start, cursor, seek(0));
    let rows = std::iter::once(head)
        .chain((earlier > 0).then(|| {
            show(
                format!("… {earlier} earlier steps: show all"),
                "narration-earlier",
            )
        }))
        .chain(entries)
        .chain((later > 0).then(|| {
            show(
                format!("… {later} later steps: show all"),
                "narration-later",
            )
        }));
    html! {
        <div class="narration" data-testid="narration">
            <ol class="narration-list" ref={list_ref} aria-label="What happened, step by step">
                { for rows }
            </ol>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::catalogue;
    use crate::sim::input::Input;

    fn notes_before(items: &[Item]) -> Vec<usize> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Note { before, .. } => Some(*before),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_long_run_shows_a_window_around_the_cursor_until_asked_for_all() {
        let steps = |n: usize| -> Vec<Item> {
            (1..=n)
                .map(|k| Item::Step {
                    k,
                    clock: String::new(),
                    title: String::new(),
                    lines: Vec::new(),
                    error: false,
                    yours: false,
                })
                .collect()
        };
        let short = steps(2 * WINDOW_STEPS + 1);
        assert_eq!(window(&short, 0, false), (0, usize::MAX));
        let long = steps(1500);
        assert_eq!(
            window(&long, 700, false),
            (700 - WINDOW_STEPS, 700 + WINDOW_STEPS)
        );
        assert_eq!(window(&long, 3, false), (0, 3 + WINDOW_STEPS));
        assert_eq!(window(&long, 700, true), (0, usize::MAX));
        assert_eq!(position(&Item::End { after: 9 }), 10);
        assert_eq!(
            position(&Item::Note {
                before: 4,
                lines: Vec::new()
            }),
            4
        );
    }

    #[test]
    fn the_end_of_the_scenario_is_marked_before_steps_past_it() {
        let (_, scenario) = catalogue::for_page("containers-lifecycle").remove(0);
        let mut run = Run::play(&scenario, None).expect("the shipped scenario plays");
        let end = run.scripted_steps;
        let at = |items: &[Item]| items.iter().position(|i| matches!(i, Item::End { .. }));
        let items_now = items(&run);
        assert_eq!(at(&items_now), Some(items_now.len() - 1));
        run.seek(end);
        if run.forward() {
            let after = items(&run);
            let i = at(&after).expect("still marked");
            assert!(matches!(after[i + 1], Item::Step { k, .. } if k == end + 1));
        }
        // Once the reader types, the story is theirs: no end marker.
        run.submit(Input::Command("docker ps".into()));
        assert_eq!(at(&items(&run)), None);
    }

    #[test]
    fn step_0_says_what_the_scenario_starts_from() {
        let title = |page: &str| {
            let (_, scenario) = catalogue::for_page(page).remove(0);
            let run = Run::play(&scenario, None).expect("the shipped scenario plays");
            match &items(&run)[0] {
                Item::Start { title } => title.clone(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(title("containers-lifecycle"), "start: a fresh host");
        assert_eq!(
            title("swarm-basics"),
            "start: a swarm of 1 manager and 2 workers"
        );
        assert_eq!(
            title("compose-basics"),
            "start: a fresh host and the project folder"
        );
    }

    #[test]
    fn a_command_typed_after_ssh_names_the_machine() {
        let mut run = Run::sandbox_with_swarm(1, 1, 2);
        for line in ["ssh node-2", "docker ps", "exit", "docker ps"] {
            run.submit(Input::Command(line.into()));
        }
        let titles: Vec<String> = items(&run)
            .into_iter()
            .filter_map(|i| match i {
                Item::Step { title, .. } => Some(title),
                _ => None,
            })
            .collect();
        assert_eq!(
            titles,
            [
                "$ ssh node-2",
                "node-2 $ docker ps",
                "node-2 $ exit",
                "$ docker ps"
            ]
        );
    }

    #[test]
    fn notes_of_a_discarded_future_disappear() {
        let (_, scenario) = catalogue::for_page("containers-lifecycle").remove(0);
        let mut run = Run::play(&scenario, None).expect("the shipped scenario plays");
        let all = notes_before(&items(&run));
        assert!(all.len() >= 3 && all[0] == 1, "{all:?}");
        run.seek(all[1] - 1);
        run.submit(Input::Command("docker ps".into()));
        let after = items(&run);
        assert_eq!(notes_before(&after), vec![all[0]]);
        let yours: Vec<usize> = after
            .iter()
            .filter_map(|i| match i {
                Item::Step { k, yours: true, .. } => Some(*k),
                _ => None,
            })
            .collect();
        assert_eq!(yours, vec![all[1]]);
    }
}
