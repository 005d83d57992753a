//! The "Your file" page's own panel: the reader's compose or stack file in, then the report, the
//! chaos verdict and the export.
//!
//! Real life: a file is checked by a linter, tried on a test host, and fixed by hand. Here the
//! file is pasted, typed, dropped or opened from a link (`#file=…`: the file compressed into the
//! fragment, never uploaded); **Bring it up** plays it on one host or a chosen swarm below (the
//! page's picture, stepper and terminal: src/ui/app.rs). The report, chaos run and export are
//! computed by src/sim/yourfile/ from the same files; this module only draws them.

use std::rc::Rc;

use yew::prelude::*;

use super::url::{self, Fragment, InputKind, Query, UrlInput};
use crate::sim::yourfile::chaos::{self, ChaosRun};
use crate::sim::yourfile::report::{self, Finding, Report};
use crate::sim::yourfile::{MAX_FILES, Target, Upload, UploadFile, export, link};

/// A real-world file to start from, with where it comes from.
pub struct Example {
    pub name: &'static str,
    pub source: &'static str,
    pub target: Target,
    pub files: &'static [(&'static str, &'static str)],
}

/// Public sample files (byte for byte, their first line names the source).
pub const EXAMPLES: &[Example] = &[
    Example {
        name: "WordPress and MariaDB (awesome-compose)",
        source: "github.com/docker/awesome-compose wordpress-mysql",
        target: Target::Host,
        files: &[(
            "compose.yaml",
            include_str!("../../tests/data/awesome-compose/wordpress-mysql/compose.yaml"),
        )],
    },
    Example {
        name: "nginx, Flask and MariaDB with a secret (awesome-compose)",
        source: "github.com/docker/awesome-compose nginx-flask-mysql",
        target: Target::Host,
        files: &[
            (
                "compose.yaml",
                include_str!("../../tests/data/awesome-compose/nginx-flask-mysql/compose.yaml"),
            ),
            (
                "db/password.txt",
                include_str!("../../tests/data/awesome-compose/nginx-flask-mysql/db/password.txt"),
            ),
        ],
    },
    Example {
        name: "Prometheus and Grafana (awesome-compose)",
        source: "github.com/docker/awesome-compose prometheus-grafana",
        target: Target::Host,
        files: &[(
            "compose.yaml",
            include_str!("../../tests/data/awesome-compose/prometheus-grafana/compose.yaml"),
        )],
    },
    Example {
        name: "The voting app's stack file (example-voting-app)",
        source: "github.com/dockersamples/example-voting-app docker-stack.yml",
        target: Target::Swarm {
            managers: 1,
            workers: 2,
        },
        files: &[(
            "docker-stack.yml",
            include_str!("../../tests/data/example-voting-app/docker-stack.yml"),
        )],
    },
];

impl Example {
    pub fn upload(&self) -> Upload {
        Upload {
            target: self.target,
            files: self
                .files
                .iter()
                .map(|(path, text)| UploadFile {
                    path: path.to_string(),
                    text: text.to_string(),
                })
                .collect(),
        }
    }
}

/// What the editor holds: the files as text fields, and the target.
#[derive(Clone, PartialEq, Debug)]
pub struct Draft {
    pub target: Target,
    pub files: Vec<UploadFile>,
}

impl Draft {
    fn from_upload(upload: &Upload) -> Draft {
        Draft {
            target: upload.target,
            files: upload.files.clone(),
        }
    }

    fn blank() -> Draft {
        Draft {
            target: Target::Host,
            files: vec![UploadFile {
                path: "compose.yaml".to_string(),
                text: String::new(),
            }],
        }
    }

    /// The upload the editor describes: empty extra files left out.
    pub fn upload(&self) -> Upload {
        Upload {
            target: self.target.clamped(),
            files: self
                .files
                .iter()
                .enumerate()
                .filter(|(i, f)| *i == 0 || !f.text.trim().is_empty())
                .map(|(_, f)| f.clone())
                .collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct YourFilePanelProps {
    /// The files the link or the last **Bring it up** gave.
    pub upload: Option<Rc<Upload>>,
    /// Why the link's files could not be read or brought up.
    pub error: Option<AttrValue>,
    pub on_bring_up: Callback<Upload>,
    /// This site's address without a query, for links to moments of the chaos run.
    pub page_address: AttrValue,
    /// The seed the files were brought up with (the chaos run uses the same).
    pub seed: u64,
}

/// Long because it is one form: the files, the target, the examples and the buttons.
#[function_component(YourFilePanel)]
pub fn your_file_panel(props: &YourFilePanelProps) -> Html {
    let draft = use_state(|| {
        props
            .upload
            .as_deref()
            .map(Draft::from_upload)
            .unwrap_or_else(Draft::blank)
    });
    let problem = use_state(|| None::<String>);
    let edit = |index: usize, path: bool| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            let value = e
                .target_dyn_into::<web_sys::HtmlTextAreaElement>()
                .map(|a| a.value())
                .or_else(|| {
                    e.target_dyn_into::<web_sys::HtmlInputElement>()
                        .map(|i| i.value())
                });
            let Some(value) = value else { return };
            let mut next = (*draft).clone();
            if let Some(f) = next.files.get_mut(index) {
                if path {
                    f.path = value;
                } else {
                    f.text = value;
                }
            }
            draft.set(next);
        })
    };
    let on_example = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some(example) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i))
            {
                draft.set(Draft::from_upload(&example.upload()));
            }
        })
    };
    let on_target = {
        let draft = draft.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            let mut next = (*draft).clone();
            next.target = parse_target(&select.value());
            draft.set(next);
        })
    };
    let on_add_file = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| {
            let mut next = (*draft).clone();
            if next.files.len() < MAX_FILES {
                let path = if next.files.iter().any(|f| f.path == ".env") {
                    "Dockerfile"
                } else {
                    ".env"
                };
                next.files.push(UploadFile {
                    path: path.to_string(),
                    text: String::new(),
                });
            }
            draft.set(next);
        })
    };
    let on_bring_up = {
        let draft = draft.clone();
        let problem = problem.clone();
        let cb = props.on_bring_up.clone();
        Callback::from(move |_: MouseEvent| {
            let upload = draft.upload();
            match upload.validate() {
                Ok(()) => {
                    problem.set(None);
                    cb.emit(upload);
                }
                Err(e) => problem.set(Some(e)),
            }
        })
    };
    let on_drop = {
        let draft = draft.clone();
        let problem = problem.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if let Some(list) = e.data_transfer().and_then(|d| d.files()) {
                read_files(list, draft.clone(), problem.clone());
            }
        })
    };
    // Without this the browser opens a dropped file instead of handing it to the page.
    let on_drag_over = Callback::from(|e: DragEvent| e.prevent_default());
    let on_pick = {
        let draft = draft.clone();
        let problem = problem.clone();
        Callback::from(move |e: Event| {
            if let Some(list) = e
                .target_dyn_into::<web_sys::HtmlInputElement>()
                .and_then(|i| i.files())
            {
                read_files(list, draft.clone(), problem.clone());
            }
        })
    };
    let target_value = target_key(draft.target);
    let error = problem
        .as_ref()
        .map(|p| AttrValue::from(p.clone()))
        .or_else(|| props.error.clone());
    html! {
        <section class="panel yourfile-panel" data-testid="yourfile-panel" aria-labelledby="yourfile-h" ondrop={on_drop} ondragover={on_drag_over}>
            <div class="panel-head"><h2 id="yourfile-h">{"Your file"}</h2>
                <span class="panel-hint">{"paste, type, drop files here or open an example · nothing is uploaded"}</span></div>
            <div class="yourfile-controls">
                <label for="yourfile-example">{"Start from"}</label>
                <select id="yourfile-example" data-testid="yourfile-example" onchange={on_example}>
                    <option value="" selected=true>{"a real-world example…"}</option>
                    { for EXAMPLES.iter().enumerate().map(|(i, ex)| html! {
                        <option value={i.to_string()} title={ex.source}>{ex.name}</option>
                    }) }
                </select>
                <label for="yourfile-target">{"Bring it up on"}</label>
                <select id="yourfile-target" data-testid="yourfile-target" onchange={on_target}>
                    <option value="host" selected={target_value == "host"}>{"one host: docker compose up -d"}</option>
                    { for (1..=Target::MAX_MANAGERS).flat_map(|m| (0..=Target::MAX_WORKERS).map(move |w| (m, w))).map(|(m, w)| {
                        let key = target_key(Target::Swarm { managers: m, workers: w });
                        html! { <option value={key.clone()} selected={target_value == key}>{format!("a swarm: {m} manager{} and {w} worker{}: docker stack deploy", if m == 1 { "" } else { "s" }, if w == 1 { "" } else { "s" })}</option> }
                    }) }
                </select>
            </div>
            { for draft.files.iter().enumerate().map(|(i, f)| html! {
                <div class="yourfile-file" key={i}>
                    <input class="yourfile-path" type="text" data-testid="yourfile-path" value={f.path.clone()} oninput={edit(i, true)} aria-label="File name" spellcheck="false" />
                    <textarea class="yourfile-text" data-testid={if i == 0 { "yourfile-text" } else { "yourfile-extra" }} rows={if i == 0 { "16" } else { "5" }} spellcheck="false"
                        value={f.text.clone()} oninput={edit(i, false)} aria-label={format!("Contents of {}", f.path)}
                        placeholder={if i == 0 { "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"" } else { "" }} />
                </div>
            }) }
            <div class="yourfile-actions">
                <button class="button" type="button" data-testid="yourfile-add-file" onclick={on_add_file}>{"+ Add a file (.env, a Dockerfile, a secret)"}</button>
                <label class="button" for="yourfile-pick">{"Open files…"}</label>
                <input id="yourfile-pick" class="visually-hidden" type="file" multiple=true data-testid="yourfile-pick" onchange={on_pick} />
                <button class="button primary" type="button" data-testid="yourfile-bring-up" onclick={on_bring_up}>{"Bring it up ▶"}</button>
            </div>
            if let Some(e) = error {
                <p class="yourfile-error" data-testid="yourfile-error" role="alert">{e}</p>
            }
            <ReportView upload={Rc::new(draft.upload())} on_bring_up={props.on_bring_up.clone()} />
            if let Some(up) = &props.upload {
                <ChaosView upload={up.clone()} seed={props.seed} />
            }
        </section>
    }
}

/// Where a dropped or picked file goes: a compose or stack file replaces the first, a file the
/// draft already has is replaced, anything else is added by its name.
pub fn place_file(draft: &mut Draft, name: &str, text: String) {
    let is_compose = name.ends_with(".yml") || name.ends_with(".yaml");
    let is_compose = is_compose && (name.contains("compose") || name.contains("stack"));
    if is_compose {
        draft.files[0] = UploadFile {
            path: name.to_string(),
            text,
        };
    } else if let Some(f) = draft.files.iter_mut().skip(1).find(|f| f.path == name) {
        f.text = text;
    } else if draft.files.len() < MAX_FILES {
        draft.files.push(UploadFile {
            path: name.to_string(),
            text,
        });
    }
}

/// Reads the files of a drop or a file picker into the draft, one after the other (each
/// `Blob.text()` is a promise). A file over the size cap is refused in words.
fn read_files(
    list: web_sys::FileList,
    draft: UseStateHandle<Draft>,
    problem: UseStateHandle<Option<String>>,
) {
    let files: Vec<web_sys::File> = (0..list.length()).filter_map(|i| list.get(i)).collect();
    let mut next = (*draft).clone();
    wasm_bindgen_futures::spawn_local(async move {
        let mut refused = Vec::new();
        for file in files {
            let name = file.name();
            if file.size() > crate::sim::yourfile::MAX_FILE_BYTES as f64 {
                refused.push(format!(
                    "{name} is larger than {} bytes",
                    crate::sim::yourfile::MAX_FILE_BYTES
                ));
                continue;
            }
            let text = wasm_bindgen_futures::JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string());
            match text {
                Some(text) => place_file(&mut next, &name, text),
                None => refused.push(format!("{name} could not be read as text")),
            }
        }
        draft.set(next);
        problem.set((!refused.is_empty()).then(|| refused.join("; ")));
    });
}

/// `host`, `swarm-1-2`: the target select's values.
fn target_key(target: Target) -> String {
    match target {
        Target::Host => "host".to_string(),
        Target::Swarm { managers, workers } => format!("swarm-{managers}-{workers}"),
    }
}

fn parse_target(key: &str) -> Target {
    let mut parts = key
        .split('-')
        .skip(1)
        .filter_map(|p| p.parse::<usize>().ok());
    match (key.starts_with("swarm-"), parts.next(), parts.next()) {
        (true, Some(managers), Some(workers)) => Target::Swarm { managers, workers }.clamped(),
        _ => Target::Host,
    }
}

#[derive(Properties, PartialEq)]
struct ReportViewProps {
    upload: Rc<Upload>,
    on_bring_up: Callback<Upload>,
}

/// The readiness report of the files as they are in the editor, each finding with its fix to
/// accept, and the export with the accepted fixes applied.
/// Long because it is one table (findings with their diffs) and the export under it.
#[function_component(ReportView)]
fn report_view(props: &ReportViewProps) -> Html {
    // Fixes the reader turned off, by finding key: every fix is accepted until then.
    let declined = use_state(Vec::<String>::new);
    let copied = use_state(|| false);
    let result: Rc<Result<Report, String>> = {
        let upload = props.upload.clone();
        use_memo(upload, |u| report::report(u))
    };
    if props.upload.files[0].text.trim().is_empty() {
        return Html::default();
    }
    let report = match &*result {
        Ok(r) => r,
        Err(e) => {
            return html! {
                <div class="yourfile-section" data-testid="report">
                    <h3>{"Readiness report"}</h3>
                    <p class="yourfile-error" data-testid="load-error" role="alert">{format!("The file does not load: {e}")}</p>
                </div>
            };
        }
    };
    let accepted: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.fix.is_some())
        .map(Finding::key)
        .filter(|k| !declined.contains(k))
        .collect();
    let exported = {
        let upload = props.upload.clone();
        let accepted = accepted.clone();
        use_memo((upload, accepted), |(u, a)| export::export_upload(u, a))
    };
    let toggle = |key: String| {
        let declined = declined.clone();
        Callback::from(move |_: Event| {
            let mut next = (*declined).clone();
            match next.iter().position(|k| *k == key) {
                Some(i) => {
                    next.remove(i);
                }
                None => next.push(key.clone()),
            }
            declined.set(next);
        })
    };
    let counts = ["error", "warning", "info"].map(|sev| {
        report
            .findings
            .iter()
            .filter(|f| f.severity.as_str() == sev)
            .count()
    });
    let rows = report.findings.iter().map(|f| {
        let key = f.key();
        let see = f.see.map(|see| {
            let href = match see.scenario {
                Some(sc) => format!("?page={}&scenario={sc}", see.page),
                None => format!("?page={}", see.page),
            };
            html! { <a href={href} data-testid="finding-see">{"see it happen ↗"}</a> }
        });
        html! {
            <tr key={key.clone()} data-testid="finding" data-rule={f.rule} data-line={f.line.to_string()}>
                <td class={format!("sev-{}", f.severity.as_str())}>{f.severity.as_str()}</td>
                <td><code class="rule">{f.rule}</code></td>
                <td><code>{format!("{}:{}:{}", f.file, f.line, f.column)}</code></td>
                <td>
                    <div>{f.message.clone()}</div>
                    <div class="panel-hint">{f.why}{" "}{see}</div>
                    if let Some(fix) = &f.fix {
                        <details class="fix">
                            <summary>
                                <label onclick={Callback::from(|e: MouseEvent| e.stop_propagation())}>
                                    <input type="checkbox" data-testid="fix-toggle" checked={!declined.contains(&key)} onchange={toggle(key.clone())} />
                                    {format!(" Fix: {}", fix.summary)}
                                </label>
                            </summary>
                            <pre class="diff" data-testid="fix-diff">{fix.diff.clone()}</pre>
                        </details>
                    }
                </td>
            </tr>
        }
    });
    let export_view = match &*exported {
        Err(e) => {
            html! { <p class="yourfile-error">{format!("The export does not load: {e}")}</p> }
        }
        Ok(out) => {
            let text = out.files[0].text.clone();
            let name = out.files[0]
                .path
                .rsplit('/')
                .next()
                .unwrap_or("compose.yaml")
                .to_string();
            let on_copy = {
                let copied = copied.clone();
                let text = text.clone();
                Callback::from(move |_: MouseEvent| {
                    let copied = copied.clone();
                    super::dom::copy_text(&text, move |ok| copied.set(ok));
                })
            };
            let on_up = {
                let cb = props.on_bring_up.clone();
                let out = out.clone();
                Callback::from(move |_: MouseEvent| cb.emit(out.clone()))
            };
            let changed = out
                .files
                .iter()
                .zip(props.upload.files.iter())
                .filter(|(a, b)| a.text != crate::sim::yourfile::report::text::normalise(&b.text))
                .map(|(a, _)| a.path.clone())
                .collect::<Vec<_>>();
            html! {
                <div class="yourfile-section" data-testid="export">
                    <h3>{"Export"}</h3>
                    <p class="panel-hint">{format!("{} with the {} accepted fix{} applied{}. Comments, blank lines and your key order are kept as written; it loads with the same loader and passes the Compose schema.",
                        name, accepted.len(), if accepted.len() == 1 { "" } else { "es" },
                        if changed.len() > 1 { format!(" (also changed: {})", changed[1..].join(", ")) } else { String::new() })}</p>
                    <div class="yourfile-actions">
                        <button class="button" type="button" data-testid="export-copy" onclick={on_copy}>{if *copied { "Copied ✓" } else { "Copy" }}</button>
                        <a class="button" data-testid="export-download" download={name.clone()} href={format!("data:text/yaml;charset=utf-8,{}", super::url::encode(&text))}>{format!("Download {name}")}</a>
                        <button class="button" type="button" data-testid="export-bring-up" onclick={on_up}>{"Bring the fixed file up ▶"}</button>
                    </div>
                    <pre class="export-text" data-testid="export-text">{text}</pre>
                    <p class="panel-hint">{"The whole session (your files, every command and fault) goes out as a transcript from the "}<strong>{"Your own scenario"}</strong>{" panel once the file is up."}</p>
                </div>
            }
        }
    };
    html! {
        <>
            <div class="yourfile-section" data-testid="report" data-findings={report.findings.len().to_string()}>
                <h3>{"Readiness report"}</h3>
                <p class="panel-hint">{format!("{} error{}, {} warning{}, {} note{} for {} ({}). Each rule is listed in docs/RULES.md with the linter rules it covers.",
                    counts[0], if counts[0] == 1 { "" } else { "s" }, counts[1], if counts[1] == 1 { "" } else { "s" }, counts[2], if counts[2] == 1 { "" } else { "s" },
                    props.upload.files[0].path,
                    match report.mode { report::Mode::Compose => "docker compose on one host", report::Mode::Stack => "a stack on a swarm" })}</p>
                if !report.findings.is_empty() {
                    <table class="findings">
                        <thead><tr><th>{"severity"}</th><th>{"rule"}</th><th>{"where"}</th><th>{"what, why, and the fix"}</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                }
            </div>
            { export_view }
        </>
    }
}

/// The address of a moment of a chaos run: the "Your file" page on these files (`#file=…`), the
/// run's inputs after the up command (the page's own run gives that one at step 0), its length,
/// and the step. Opening it replays the run to that step.
pub fn moment_link(upload: &Upload, seed: u64, run: &ChaosRun, step: usize) -> Option<String> {
    let code = link::pack_upload(upload).ok()?;
    let inputs = run
        .inputs
        .iter()
        .skip(1)
        .filter_map(|(at, line)| {
            let (kind, text) = match line.strip_prefix("$ ") {
                Some(command) => (InputKind::Command, command),
                None => (InputKind::Fault, line.strip_prefix('!')?.trim()),
            };
            Some(UrlInput {
                at: *at,
                kind,
                text: text.to_string(),
            })
        })
        .collect();
    let q = Query {
        page: Some(crate::scenario::yourfile::PAGE.to_string()),
        seed: Some(seed),
        step: Some(step),
        len: Some(run.len),
        inputs,
        ..Query::default()
    };
    Some(format!(
        "?{}#{}",
        url::serialize(&q),
        Fragment::File(code).serialize()
    ))
}

#[derive(Properties, PartialEq)]
struct ChaosViewProps {
    /// The files as brought up (the moments replay on their run).
    upload: Rc<Upload>,
    seed: u64,
}

/// **Run the chaos**: the seeded sequence fitted to the file, each service's verdict, and a link
/// to every moment.
/// Long because it is one table and the list of moments, both drawn from the run.
#[function_component(ChaosView)]
fn chaos_view(props: &ChaosViewProps) -> Html {
    let result = use_state(|| None::<Rc<Result<ChaosRun, String>>>);
    {
        // Other files, other run.
        let result = result.clone();
        use_effect_with(props.upload.clone(), move |_| result.set(None));
    }
    let on_run = {
        let result = result.clone();
        let upload = props.upload.clone();
        let seed = props.seed;
        Callback::from(move |_: MouseEvent| {
            result.set(Some(Rc::new(chaos::chaos(&upload, seed))));
        })
    };
    let body = match result.as_deref() {
        None => Html::default(),
        Some(Err(e)) => {
            html! { <p class="yourfile-error" data-testid="chaos-error">{e.clone()}</p> }
        }
        Some(Ok(run)) => {
            let link = |step: usize| moment_link(&props.upload, props.seed, run, step);
            let rows = run.services.iter().map(|v| {
                let state = if v.stayed_up {
                    html! { <span class="up">{"stayed up"}</span> }
                } else {
                    html! { <span class="down">{format!("down {}", chaos::seconds_text(v.downtime_ms))}</span> }
                };
                let requests = if v.requests_total == 0 {
                    "not probed".to_string()
                } else {
                    format!("{} of {} failed", v.requests_failed, v.requests_total)
                };
                let lost = if v.data_lost.is_empty() {
                    "none".to_string()
                } else {
                    v.data_lost.join(", ")
                };
                html! {
                    <tr key={v.service.clone()} data-testid="verdict" data-service={v.service.clone()}
                        data-up={v.stayed_up.to_string()} data-lost={(!v.data_lost.is_empty()).to_string()}>
                        <td><code>{v.service.clone()}</code></td>
                        <td>{state}</td>
                        <td>{v.restarts}</td>
                        <td class={if v.data_lost.is_empty() { "up" } else { "down" }}>{lost}</td>
                        <td>{requests}</td>
                        <td class="panel-hint">{v.why.join(" ")}</td>
                    </tr>
                }
            });
            html! {
                <>
                    <table class="verdicts">
                        <thead><tr><th>{"service"}</th><th>{"uptime"}</th><th>{"restarts"}</th><th>{"data lost"}</th><th>{"requests"}</th><th>{"why"}</th></tr></thead>
                        <tbody>{ for rows }</tbody>
                    </table>
                    <h4>{"Replay a moment"}</h4>
                    <ol class="moments">
                        // `$ sleep 60` is time passing between faults, not a moment to look at.
                        { for run.moments.iter().filter(|m| !m.label.starts_with("$ sleep ")).map(|m| html! {
                            <li>
                                if let Some(href) = link(m.step) {
                                    <a href={href} data-testid="chaos-moment" data-step={m.step.to_string()}>{format!("step {}: {}", m.step, m.label)}</a>
                                } else {
                                    {format!("step {}: {}", m.step, m.label)}
                                }
                            </li>
                        }) }
                    </ol>
                </>
            }
        }
    };
    html! {
        <div class="yourfile-section" data-testid="chaos">
            <h3>{"Chaos run"}</h3>
            <p class="panel-hint">{"A seeded sequence fitted to your file: restart each database, crash an app container, reboot the host (or kill the node of each stateful service), fill the disk, roll an update; time passes between them. Each service's uptime, restarts, lost data and failed requests are measured, not guessed (docs/YOURFILE.md)."}</p>
            <button class="button primary" type="button" data-testid="chaos-run" onclick={on_run}>{"Run the chaos ▶"}</button>
            { body }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::session::{Custom, Session};

    /// A chaos moment's link opens the "Your file" page at that moment: the same world as the
    /// chaos run's own timeline there.
    #[test]
    fn a_chaos_moment_link_opens_the_same_moment() {
        let upload = Upload::compose(
            "services:\n  web:\n    image: nginx:1.27\n    ports:\n      - \"8080:80\"\n    restart: always\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n",
        );
        let (run, timeline) = chaos::run(&upload, 1).expect("a chaos run");
        assert!(run.moments.len() >= 3, "{:?}", run.moments);
        for moment in [&run.moments[1], run.moments.last().expect("moments")] {
            let href = moment_link(&upload, 1, &run, moment.step).expect("a link");
            let (query, fragment) = href.trim_start_matches('?').split_once('#').expect("#");
            let Some(Fragment::File(code)) = Fragment::parse(fragment) else {
                panic!("{href}")
            };
            let opened = link::unpack_upload(&code).expect("the files");
            let page = crate::scenario::catalogue::your_file_page(opened.target);
            let s = Session::open_custom(page, &url::parse(query), Custom::File(opened))
                .expect("it opens");
            assert_eq!(s.cursor(), moment.step, "{}", moment.label);
            let mut expected = timeline.clone();
            expected.seek(moment.step);
            assert_eq!(
                format!("{:?}", s.run.timeline.world().engine),
                format!("{:?}", expected.world().engine),
                "{}",
                moment.label
            );
        }
    }
}
