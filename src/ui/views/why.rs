//! The why-containers picture: one machine with VMs and containers side by side, and three hosts
//! that run the same app from source and from an image.
//!
//! Real systems: a VM is a whole computer in software — firmware, its own kernel, its own OS — so it
//! holds gigabytes of disk and the memory it was given, and takes tens of seconds to boot. A
//! container is a process on the host's kernel: megabytes, and it starts as fast as a process
//! does. We draw the host as the usual rounded panel with its kernel as a bar along the bottom;
//! each VM is a tall box carrying its own guest OS and guest-kernel band (with a boot progress bar
//! while it starts); containers are small cards sitting directly on the host's kernel bar. Under
//! it, CPU, memory and disk bars split into host OS, VMs, containers and free space. A second
//! panel compares the totals and shows laptop/ci/prod with their Node.js and the last result of
//! running the app from source and from the image. What we simplify: sizes are typical figures
//! (marked ≈, approximate), from `sim::lab::totals`; no simulation logic lives here.

use std::rc::Rc;

use yew::prelude::*;

use super::truncate;
use crate::sim::docker::container::{Container, Status};
use crate::sim::lab::{self, GIB, HOST, KIB, MIB, Totals, Vm, VmState};
use crate::sim::record::Record;
use crate::sim::time::SECOND_MS;

const W: i32 = 780;
const PAD: i32 = 22;
const HOST_Y: i32 = 8;
const BODY_Y: i32 = HOST_Y + 58;
const BODY_H: i32 = 214;
const VM_W: i32 = 150;
const VM_GAP: i32 = 12;
const CARD_W: i32 = 118;
const CARD_H: i32 = 50;
const CARD_GAP: i32 = 8;
const KERNEL_H: i32 = 30;
const BAR_H: i32 = 18;

/// `2.0 GiB`, `48 MiB`, `600 KiB`: binary units, as Multipass and `docker stats` show memory.
pub fn size(bytes: u64) -> String {
    if bytes >= GIB {
        format!("{:.1} GiB", bytes as f64 / GIB as f64)
    } else if bytes >= MIB {
        format!("{} MiB", (bytes as f64 / MIB as f64).round() as u64)
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} B")
    }
}

#[derive(Properties, PartialEq)]
pub struct WhyProps {
    pub world: super::WorldRef,
    pub last: Option<Rc<Record>>,
}

fn touched(last: &Option<Rc<Record>>, name: &str) -> bool {
    last.as_ref()
        .is_some_and(|r| r.touched.iter().any(|t| t == name))
}

/// One VM: name and state, boot progress, its guest OS and its own kernel.
fn vm_box(vm: &Vm, x: i32, now_ms: u64, hot: bool) -> Html {
    let h = BODY_H;
    let state = vm.state.as_str().to_lowercase();
    let class = classes!("why-vm", format!("vm-{state}"), hot.then_some("touched"));
    let up = vm.is_up();
    let progress = vm.boot_progress(now_ms);
    let boot = if vm.state == VmState::Starting {
        let stage = vm
            .stages()
            .get(vm.stage)
            .map(|s| s.what)
            .unwrap_or("booting");
        let elapsed_s = now_ms.saturating_sub(vm.boot_started_ms) / SECOND_MS;
        html! {
            <g data-testid="vm-boot">
                <rect class="why-boot-track" x="10" y="60" width={(VM_W - 20).to_string()} height="8" rx="4" />
                <rect class="why-boot-fill" x="10" y="60" width={(((VM_W - 20) as f64) * progress).round().to_string()} height="8" rx="4" />
                <text class="why-small" x="10" y="84">{format!("booting · {elapsed_s} s of ≈ {} s", vm.boot_total_ms() / SECOND_MS)}</text>
                <text class="why-small" x="10" y="98">{truncate(stage, 24)}</text>
            </g>
        }
    } else if let (VmState::Running, Some(ms)) = (vm.state, vm.last_boot_ms) {
        html! { <text class="why-small" x="10" y="68">{format!("booted in {} s", ms / SECOND_MS)}</text> }
    } else if vm.state == VmState::Deleted {
        html! { <text class="why-small" x="10" y="68">{"deleted: disk kept until purge"}</text> }
    } else {
        html! { <text class="why-small" x="10" y="68">{"stopped: memory released"}</text> }
    };
    let guest_os_y = h - 22 - 40;
    html! {
        <g class={class} data-testid="vm" data-name={vm.name.clone()} data-state={state.clone()}
            transform={format!("translate({x},{BODY_Y})")}>
            <title>{format!("{} ({}): {} vCPU, {} memory, {} disk, guest kernel {}", vm.name, state, vm.cpus, size(vm.memory_bytes), size(vm.disk_bytes), vm.image.guest_kernel)}</title>
            <rect class="why-vm-box" width={VM_W.to_string()} height={h.to_string()} rx="10" />
            <text class="why-name" x="10" y="20">{truncate(&vm.name, 15)}</text>
            <text class="why-small" x="10" y="35">{format!("{} · {} vCPU", state, vm.cpus)}</text>
            <text class="why-small" x="10" y="49">{format!("{} mem · {} disk", size(vm.memory_bytes), size(vm.disk_bytes))}</text>
            { boot }
            <rect class={classes!("why-guest-os", (!up).then_some("off"))} x="6" y={guest_os_y.to_string()} width={(VM_W - 12).to_string()} height="36" rx="6" />
            <text class="why-guest-text" x="12" y={(guest_os_y + 15).to_string()}>{format!("guest OS Ubuntu {}", vm.image.release)}</text>
            <text class="why-guest-text" x="12" y={(guest_os_y + 29).to_string()}>{format!("≈ {} mem · ≈ {} disk", size(lab::GUEST_OS_MEMORY_BYTES), size(vm.disk_used_bytes()))}</text>
            <rect class={classes!("why-guest-kernel", (!up).then_some("off"))} x="6" y={(h - 26).to_string()} width={(VM_W - 12).to_string()} height="20" rx="4" />
            <text class="why-guest-kernel-text" x="12" y={(h - 12).to_string()}>{format!("own kernel {}", vm.image.guest_kernel.trim_start_matches("Linux ").trim_end_matches("-generic"))}</text>
        </g>
    }
}

/// One container: a small card standing on the host kernel.
fn container_card(c: &Container, x: i32, y: i32, hot: bool) -> Html {
    let status = c.status();
    let up = matches!(
        status,
        Status::Running | Status::Paused | Status::Restarting
    );
    let memory = lab::container_memory_bytes(c);
    let class = classes!(
        "why-ctr",
        format!("st-{}", status.as_str()),
        hot.then_some("touched")
    );
    html! {
        <g class={class} data-testid="container" data-name={c.name.clone()} transform={format!("translate({x},{y})")}>
            <title>{format!("{} ({}) from {}: {}", c.name, status.as_str(), c.config.image, if up { format!("≈ {} of memory", size(memory)) } else { "no process, no memory".to_string() })}</title>
            <rect class="why-ctr-box" width={CARD_W.to_string()} height={CARD_H.to_string()} rx="8" />
            <text class="why-name" x="8" y="17">{truncate(&c.name, 14)}</text>
            <text class="why-small" x="8" y="31">{truncate(&c.config.image, 18)}</text>
            <text class="why-small" x="8" y="44">{ if up { format!("{} · ≈ {}", status.as_str(), size(memory)) } else { status.as_str().to_string() } }</text>
        </g>
    }
}

/// One resource bar: host OS, VMs, containers, free.
fn bar(label: &str, y: i32, total: u64, parts: [u64; 3], text: String) -> Html {
    let x0 = PAD + 70;
    let width = (W - 2 * PAD - 70 - 12) as f64;
    let mut x = x0 as f64;
    let mut segs = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let w = if total == 0 {
            0.0
        } else {
            width * (*part as f64 / total as f64)
        };
        let w = w.min(width - (x - x0 as f64)).max(0.0);
        // Anything that exists gets at least a sliver, so 16 MiB next to 16 GiB is still visible.
        let w = if *part > 0 { w.max(2.0) } else { w };
        let class = ["why-seg-os", "why-seg-vm", "why-seg-ctr"][i];
        segs.push(html! { <rect class={class} x={format!("{x:.1}")} y={y.to_string()} width={format!("{w:.1}")} height={BAR_H.to_string()} /> });
        x += w;
    }
    html! {
        <g class="why-bar" data-testid={format!("bar-{}", label.to_lowercase())}>
            <text class="why-bar-label" x={PAD.to_string()} y={(y + 13).to_string()}>{label.to_string()}</text>
            <rect class="why-bar-track" x={x0.to_string()} y={y.to_string()} width={format!("{width:.0}")} height={BAR_H.to_string()} rx="3" />
            { for segs }
            <text class="why-bar-text" x={x0.to_string()} y={(y + BAR_H + 13).to_string()}>{text}</text>
        </g>
    }
}

/// The host with its VMs, containers, kernel and resource bars.
/// Long because it is one SVG picture in one `html!` tree.
#[function_component(WhyPicture)]
pub fn why_picture(props: &WhyProps) -> Html {
    let world = &props.world;
    let t: Totals = lab::totals(world);
    let now = world.now_ms;

    let vms: Vec<&Vm> = world.lab.vms.values().collect();
    let vm_boxes = vms.iter().enumerate().map(|(i, vm)| {
        let x = PAD + i as i32 * (VM_W + VM_GAP);
        vm_box(vm, x, now, touched(&props.last, &vm.name))
    });
    let vm_right = PAD + vms.len() as i32 * (VM_W + VM_GAP);
    let ctr_x0 = if vms.is_empty() { PAD } else { vm_right + 14 };
    let mut containers: Vec<&Container> = world.engine.newest_first();
    containers.reverse();
    let rows = (BODY_H + CARD_GAP) / (CARD_H + CARD_GAP);
    let kernel_y = BODY_Y + BODY_H + 8;
    let cards = containers.iter().enumerate().map(|(i, c)| {
        let (col, row) = (i as i32 / rows, i as i32 % rows);
        let x = ctr_x0 + col * (CARD_W + CARD_GAP);
        // Bottom row first: the cards stand on the kernel.
        let y = kernel_y - (row + 1) * (CARD_H + CARD_GAP) + CARD_GAP - 4;
        container_card(c, x, y, touched(&props.last, &c.name))
    });
    let cols = (containers.len() as i32 + rows - 1) / rows;
    let content_w = ctr_x0 + cols * (CARD_W + CARD_GAP) + PAD;
    let width = W.max(content_w);

    let empty = if vms.is_empty() && containers.is_empty() {
        html! {
            <text class="why-empty" x={(W / 2).to_string()} y={(BODY_Y + BODY_H / 2).to_string()} text-anchor="middle">
                {"Nothing placed yet: try `multipass launch --name vm1` or `docker run -d nginx`"}
            </text>
        }
    } else {
        html! {}
    };

    let bars_y = kernel_y + KERNEL_H + 18;
    let cpu_text = format!(
        "VMs: {} of {} vCPUs assigned · containers: no reservation, they share all {} CPUs",
        t.vms.cpus, HOST.cpus, HOST.cpus
    );
    let mem_text = format!(
        "host OS ≈ {} · VMs {} reserved · containers ≈ {} · free {}{}",
        size(HOST.os_memory_bytes),
        size(t.vms.memory_bytes),
        size(t.containers.memory_bytes),
        size(t.free_memory_bytes()),
        if t.memory_overcommitted() {
            " · OVERCOMMITTED"
        } else {
            ""
        }
    );
    let disk_text = format!(
        "host OS ≈ {} · VMs ≈ {} · image layers {} (each once) · free {}",
        size(HOST.os_disk_bytes),
        size(t.vms.disk_bytes),
        size(t.containers.disk_bytes),
        size(t.free_disk_bytes())
    );
    let cpu_total = u64::from(HOST.cpus.max(t.vms.cpus));
    let bars = html! {
        <>
            { bar("CPU", bars_y, cpu_total, [0, u64::from(t.vms.cpus), 0], cpu_text) }
            { bar("Memory", bars_y + 40, HOST.memory_bytes.max(t.used_memory_bytes()), [HOST.os_memory_bytes, t.vms.memory_bytes, t.containers.memory_bytes], mem_text) }
            { bar("Disk", bars_y + 80, HOST.disk_bytes, [HOST.os_disk_bytes, t.vms.disk_bytes, t.containers.disk_bytes], disk_text) }
        </>
    };
    let legend_y = bars_y + 120;
    let host_h = legend_y + 22 - HOST_Y;
    let height = HOST_Y + host_h + 8;
    let label = format!(
        "Host with {} CPUs, {} memory, {} disk, kernel {}: {} VM(s) and {} container(s). Memory used by VMs {}, by containers about {}.",
        HOST.cpus,
        size(HOST.memory_bytes),
        size(HOST.disk_bytes),
        HOST.kernel,
        vms.len(),
        containers.len(),
        size(t.vms.memory_bytes),
        size(t.containers.memory_bytes)
    );
    html! {
        <div class="picture-stage why-stage">
            <svg class="picture-svg why-svg" viewBox={format!("0 0 {width} {height}")} role="img" aria-label={label}>
                <rect class="host" x="4" y={HOST_Y.to_string()} width={(width - 8).to_string()} height={host_h.to_string()} rx="14" />
                <text class="host-name" x={PAD.to_string()} y={(HOST_Y + 24).to_string()}>{"host"}</text>
                <text class="host-sub" x={(PAD + 44).to_string()} y={(HOST_Y + 24).to_string()}>
                    {format!("{} CPUs · {} RAM · {} disk · {}", HOST.cpus, size(HOST.memory_bytes), size(HOST.disk_bytes), HOST.os)}
                </text>
                <text class="host-sum" x={PAD.to_string()} y={(HOST_Y + 44).to_string()}>
                    {format!("{} VM{} · {} container{}   (sizes and times marked ≈ are approximate)", vms.len(), if vms.len() == 1 { "" } else { "s" }, containers.len(), if containers.len() == 1 { "" } else { "s" })}
                </text>
                { for vm_boxes }
                { for cards }
                { empty }
                <rect class="kernel" x={(PAD - 8).to_string()} y={kernel_y.to_string()} width={(width - 2 * PAD + 16).to_string()} height={KERNEL_H.to_string()} rx="6" />
                <text class="kernel-text" x={PAD.to_string()} y={(kernel_y + 20).to_string()}>
                    {format!("host kernel {} (+ KVM): containers use it directly; each VM boots its own on top", HOST.kernel.trim_start_matches("Linux "))}
                </text>
                { bars }
                <g class="why-legend" transform={format!("translate({},{})", PAD + 70, legend_y)}>
                    <rect class="why-seg-os" width="12" height="12" /><text class="why-small" x="16" y="10">{"host OS"}</text>
                    <rect class="why-seg-vm" x="90" width="12" height="12" /><text class="why-small" x="106" y="10">{"VMs"}</text>
                    <rect class="why-seg-ctr" x="160" width="12" height="12" /><text class="why-small" x="176" y="10">{"containers"}</text>
                    <rect class="why-bar-track" x="264" width="12" height="12" /><text class="why-small" x="280" y="10">{"free"}</text>
                </g>
            </svg>
        </div>
    }
}

/// VM vs container totals, and the three hosts of "works on my machine".
#[function_component(WhyCompare)]
pub fn why_compare(props: &WhyProps) -> Html {
    let world = &props.world;
    let t = lab::totals(world);
    let boots: Vec<u64> = world
        .lab
        .vms
        .values()
        .filter_map(|v| v.last_boot_ms)
        .collect();
    let vm_start = match boots.iter().max() {
        Some(ms) => format!("{} s (boot a kernel)", ms / SECOND_MS),
        None => "≈ 15–35 s (boot a kernel)".to_string(),
    };
    // laptop → ci → prod: the way code travels.
    let hosts = ["laptop", "ci", "prod"]
        .iter()
        .filter_map(|n| world.lab.machines.get(*n))
        .map(|m| {
        let result = |run: &Option<lab::AppRun>, what: &str| match run {
            None => html! { <li class="why-run none">{format!("{what}: not run yet")}</li> },
            Some(r) => html! {
                <li class={classes!("why-run", if r.ok { "ok" } else { "bad" })}>
                    <span class="why-mark" aria-hidden="true">{ if r.ok { "✓" } else { "✗" } }</span>
                    {format!(" {what} (Node {}): ", r.node_version)}<code>{r.summary.clone()}</code>
                </li>
            },
        };
        let hot = touched(&props.last, &m.name);
        html! {
            <div class={classes!("why-host", hot.then_some("touched"))} data-testid="lab-host" data-name={m.name.clone()}>
                <div class="why-host-head"><strong>{m.name.clone()}</strong><span class="why-role">{m.role}</span></div>
                <div class="why-node">{"node --version: "}<code>{m.node_version}</code></div>
                <ul class="why-runs">
                    { result(&m.from_source, "from source") }
                    { result(&m.from_image, "from the image") }
                </ul>
            </div>
        }
    });
    html! {
        <div class="why-compare">
            <table class="why-table" data-testid="why-totals">
                <caption>{"VM vs container on this host (≈ approximate)"}</caption>
                <thead><tr><th scope="col">{"measure"}</th><th scope="col">{"VMs"}</th><th scope="col">{"containers"}</th></tr></thead>
                <tbody>
                    <tr><th>{"how many"}</th><td>{t.vms.count}</td><td>{t.containers.count}</td></tr>
                    <tr><th>{"memory"}</th><td>{format!("{} reserved", size(t.vms.memory_bytes))}</td><td>{format!("≈ {} in use", size(t.containers.memory_bytes))}</td></tr>
                    <tr><th>{"disk"}</th><td>{format!("≈ {} (a guest OS each)", size(t.vms.disk_bytes))}</td><td>{format!("{} (layers stored once)", size(t.containers.disk_bytes))}</td></tr>
                    <tr><th>{"start"}</th><td>{vm_start}</td><td>{"≈ well under 1 s (start a process)"}</td></tr>
                    <tr><th>{"kernel"}</th><td>{"its own (can be another OS)"}</td><td>{"the host's (a Linux container needs Linux)"}</td></tr>
                </tbody>
            </table>
            <h3 class="why-h3">{"Works on my machine"}</h3>
            <p class="why-note">{"The same server.js on three hosts: "}<code>{"ssh prod node server.js"}</code>{" uses each host's Node.js; "}<code>{"ssh prod docker run -d -p 3000:3000 notes-api:1.0"}</code>{" brings its own."}</p>
            <div class="why-hosts">{ for hosts }</div>
        </div>
    }
}

/// The why-containers page: the host with VMs and containers, then the totals and the three hosts.
pub fn panels(stage: &super::Stage) -> (Html, Html) {
    use crate::ui::panel::Panel;
    let (world, last) = (&stage.world, &stage.last);
    let picture = html! {
        <Panel class="picture-panel" testid="picture" heading_id="picture-h"
            heading="One machine: VMs and containers" hint="≈ sizes and times are approximate">
            <WhyPicture world={world.clone()} last={last.clone()} />
        </Panel>
    };
    let compare = html! {
        <Panel class="diagram-panel" testid="why-compare" heading_id="compare-h" heading="Side by side">
            <WhyCompare world={world.clone()} last={last.clone()} />
        </Panel>
    };
    (picture, compare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_memory_figures() {
        assert_eq!(size(2 * GIB), "2.0 GiB");
        assert_eq!(size(48 * MIB), "48 MiB");
        assert_eq!(size(600 * KIB), "600 KiB");
        assert_eq!(size(12), "12 B");
    }
}
