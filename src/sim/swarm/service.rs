//! Services as the managers store them: the spec the learner asked for, its version, the spec
//! before the last update (for rollback), and the state of a rolling update.
//!
//! Real SwarmKit (`api/specs.proto`, `api/objects.proto`): a `Service` has a `ServiceSpec`
//! (name, labels, the `TaskSpec` template — container, resources, placement, restart policy,
//! networks —, the mode, `UpdateConfig`, `RollbackConfig`, `EndpointSpec`), a `SpecVersion`
//! bumped by each update, `PreviousSpec` (what `docker service rollback` returns to), an
//! `UpdateStatus` (`updating`, `paused`, `completed`, `rollback_started`, `rollback_paused`,
//! `rollback_completed`) and an `Endpoint` with one virtual IP per network. Each task carries a
//! copy of the `TaskSpec` it was made from; a task is "dirty" (`orchestrator.IsTaskDirty`) when
//! that copy differs from the service's current template, and only dirty tasks are updated.
//!
//! We keep the same split: [`Spec`] is what `docker service create|update` set, [`Service`]
//! adds the version, the previous spec and the update status, and each task refers to its
//! template by `spec_version` through [`Service::versions`]. Simplified: no secrets, configs,
//! DNS or log-driver options in the template; `docker service scale` bumps the version but
//! changes no template, so it dirties nothing (as in SwarmKit).
//!
//! A leaf (it imports only the orchestrator's and scheduler's specs, the healthcheck's model and
//! `time`), so the swarm's store can hold its services.

use super::orchestrator::{RestartPolicy, ServiceMode, ServiceSpec};
use super::scheduler::TaskSpec;
use crate::sim::docker::health::model::HealthConfig;
use crate::sim::time::{Millis, SECOND_MS};
use std::collections::BTreeMap;

/// `--update-failure-action` / `--rollback-failure-action`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FailureAction {
    Pause,
    Continue,
    Rollback,
}

impl FailureAction {
    pub fn parse(text: &str) -> Option<FailureAction> {
        match text {
            "pause" => Some(FailureAction::Pause),
            "continue" => Some(FailureAction::Continue),
            "rollback" => Some(FailureAction::Rollback),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FailureAction::Pause => "pause",
            FailureAction::Continue => "continue",
            FailureAction::Rollback => "rollback",
        }
    }
}

/// `--update-order` / `--rollback-order`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UpdateOrder {
    StopFirst,
    StartFirst,
}

impl UpdateOrder {
    pub fn parse(text: &str) -> Option<UpdateOrder> {
        match text {
            "stop-first" => Some(UpdateOrder::StopFirst),
            "start-first" => Some(UpdateOrder::StartFirst),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateOrder::StopFirst => "stop-first",
            UpdateOrder::StartFirst => "start-first",
        }
    }
}

/// SwarmKit's default monitor period (`defaults.Service.Update.Monitor`).
pub const DEFAULT_MONITOR_MS: Millis = 5 * SECOND_MS;

/// `UpdateConfig` (also used for `RollbackConfig`), with SwarmKit's effective defaults.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UpdateConfig {
    /// Tasks updated at once; 0 = all at once.
    pub parallelism: u64,
    pub delay_ms: Millis,
    pub failure_action: FailureAction,
    pub monitor_ms: Millis,
    /// `--update-max-failure-ratio 0.2` = 200 (thousandths, so the spec stays `Eq`).
    pub max_failure_ratio_per_mille: u64,
    pub order: UpdateOrder,
}

impl Default for UpdateConfig {
    /// parallelism 1, delay 0 s, failure action pause, monitor 5 s, ratio 0, stop-first.
    fn default() -> Self {
        UpdateConfig {
            parallelism: 1,
            delay_ms: 0,
            failure_action: FailureAction::Pause,
            monitor_ms: DEFAULT_MONITOR_MS,
            max_failure_ratio_per_mille: 0,
            order: UpdateOrder::StopFirst,
        }
    }
}

impl UpdateConfig {
    /// `0.2`, as `docker service inspect` prints `MaxFailureRatio`.
    pub fn max_failure_ratio_text(&self) -> String {
        let whole = self.max_failure_ratio_per_mille / 1000;
        let frac = self.max_failure_ratio_per_mille % 1000;
        if frac == 0 {
            whole.to_string()
        } else {
            format!("{whole}.{}", format!("{frac:03}").trim_end_matches('0'))
        }
    }
}

/// `--publish mode=…`.
#[derive(Clone, Copy, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub enum PublishMode {
    /// Through the routing mesh: every node answers on the port.
    Ingress,
    /// Bound on the node that runs the task only.
    Host,
}

impl PublishMode {
    pub fn as_str(self) -> &'static str {
        match self {
            PublishMode::Ingress => "ingress",
            PublishMode::Host => "host",
        }
    }
}

/// One `--publish published=8080,target=80,protocol=tcp,mode=ingress`.
#[derive(Clone, PartialEq, Eq, Debug, PartialOrd, Ord)]
pub struct PortConfig {
    pub protocol: String,
    pub target_port: u16,
    /// 0 = let the swarm pick one from 30000–32767 (ingress mode only).
    pub published_port: u16,
    pub mode: PublishMode,
}

/// The `mode=host` ports a task binds on its node: (protocol, published port).
pub fn host_ports(ports: &[PortConfig]) -> Vec<(String, u16)> {
    ports
        .iter()
        .filter(|p| p.mode == PublishMode::Host && p.published_port != 0)
        .map(|p| (p.protocol.clone(), p.published_port))
        .collect()
}

/// `--endpoint-mode`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum EndpointMode {
    /// One virtual IP per network, load-balanced by IPVS over the tasks.
    Vip,
    /// DNS round robin: the name resolves to every task's IP; no ingress.
    Dnsrr,
}

impl EndpointMode {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointMode::Vip => "vip",
            EndpointMode::Dnsrr => "dnsrr",
        }
    }
}

/// A `--mount type=volume,source=db-data,target=/var/lib/postgresql/data` (or `type=bind`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ServiceMount {
    /// `volume` or `bind`.
    pub kind: String,
    /// The volume's name (empty: an anonymous volume) or the host path.
    pub source: String,
    pub target: String,
}

/// `ContainerSpec`: what the agent's executor turns into a container.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct ContainerSpec {
    /// As typed (`nginx:1.27`).
    pub image: String,
    /// Command and arguments after the image.
    pub args: Vec<String>,
    pub env: Vec<String>,
    pub mounts: Vec<ServiceMount>,
    /// `--health-*` (via `health::from_options`); `None` = the image's own (the course images
    /// have none).
    pub health: Option<HealthConfig>,
    /// `--stop-grace-period` (default 10 s).
    pub stop_grace_ms: Millis,
    /// `--stop-signal`; `None`: the image's `STOPSIGNAL` (SIGTERM unless it says otherwise).
    pub stop_signal: Option<String>,
    /// `--container-label`.
    pub labels: BTreeMap<String, String>,
    /// `--secret`: secrets mounted as files in `/run/secrets/`.
    pub secrets: Vec<SecretRef>,
    /// `--log-driver` (SwarmKit `TaskSpec.LogDriver`); `None`: the node's daemon default.
    pub log_driver: Option<String>,
    /// `--log-opt max-size=10m`, as `KEY=VALUE`.
    pub log_opts: Vec<String>,
}

/// A secret a service's tasks mount (SwarmKit `SecretReference`).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct SecretRef {
    pub secret_id: String,
    pub secret_name: String,
    /// The file name under `/run/secrets/` (or an absolute path); defaults to the secret's name.
    pub target: String,
}

impl SecretRef {
    /// Where the file appears in the container.
    pub fn path(&self) -> String {
        if self.target.starts_with('/') {
            self.target.clone()
        } else {
            format!("/run/secrets/{}", self.target)
        }
    }
}

impl ContainerSpec {
    /// The value of `key` in the task's environment, if set.
    pub fn env_value(&self, key: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find_map(|e| e.strip_prefix(key).and_then(|r| r.strip_prefix('=')))
    }
}

/// The docker default stop grace period.
pub const DEFAULT_STOP_GRACE_MS: Millis = 10 * SECOND_MS;

/// `TaskSpec`: the template every task of the service is made from. A change here makes the
/// service's tasks dirty, so `docker service update` replaces them.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct TaskTemplate {
    pub container: ContainerSpec,
    /// Constraints, reservations, host ports, max per node: what the scheduler reads.
    pub placement: TaskSpec,
    /// `--limit-cpu` (nano-CPUs) / `--limit-memory` (bytes); 0 = none.
    pub limit_nano_cpus: u64,
    pub limit_memory_bytes: u64,
    pub restart: RestartPolicy,
    /// Network names the tasks attach to (besides ingress).
    pub networks: Vec<String>,
}

/// `ServiceSpec`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Spec {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub template: TaskTemplate,
    pub mode: ServiceMode,
    pub update: UpdateConfig,
    pub rollback: UpdateConfig,
    pub endpoint_mode: EndpointMode,
    pub ports: Vec<PortConfig>,
}

impl Spec {
    /// A replicated service with one replica and every default, as `docker service create
    /// IMAGE` makes it.
    pub fn new(name: &str, image: &str) -> Spec {
        Spec {
            name: name.to_string(),
            labels: BTreeMap::new(),
            template: TaskTemplate {
                container: ContainerSpec {
                    image: image.to_string(),
                    stop_grace_ms: DEFAULT_STOP_GRACE_MS,
                    ..ContainerSpec::default()
                },
                ..TaskTemplate::default()
            },
            mode: ServiceMode::Replicated { replicas: 1 },
            update: UpdateConfig::default(),
            rollback: UpdateConfig::default(),
            endpoint_mode: EndpointMode::Vip,
            ports: Vec::new(),
        }
    }
}

/// `UpdateStatus.State`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UpdateState {
    Updating,
    Paused,
    Completed,
    RollbackStarted,
    RollbackPaused,
    RollbackCompleted,
}

impl UpdateState {
    pub fn as_str(self) -> &'static str {
        match self {
            UpdateState::Updating => "updating",
            UpdateState::Paused => "paused",
            UpdateState::Completed => "completed",
            UpdateState::RollbackStarted => "rollback_started",
            UpdateState::RollbackPaused => "rollback_paused",
            UpdateState::RollbackCompleted => "rollback_completed",
        }
    }
    /// Still replacing tasks.
    pub fn in_progress(self) -> bool {
        matches!(self, UpdateState::Updating | UpdateState::RollbackStarted)
    }
    pub fn is_rollback(self) -> bool {
        matches!(
            self,
            UpdateState::RollbackStarted
                | UpdateState::RollbackPaused
                | UpdateState::RollbackCompleted
        )
    }
}

/// `UpdateStatus`: where a rolling update (or rollback) stands.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct UpdateStatus {
    pub state: UpdateState,
    pub started_ms: Millis,
    pub completed_ms: Option<Millis>,
    /// `update paused due to failure or early termination of task …`
    pub message: String,
}

/// One service in the managers' store.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Service {
    /// 25-character base-36 ID.
    pub id: String,
    pub spec: Spec,
    /// `Version.Index`, bumped by every change (`docker service update|scale|rollback`).
    pub spec_version: u64,
    /// `PreviousSpec`: the spec before the last update, for `docker service rollback`.
    pub previous_spec: Option<Spec>,
    pub update_status: Option<UpdateStatus>,
    /// The template each spec version used, so a task knows what it runs (SwarmKit copies the
    /// template into each task; we share it per version). Pruned of versions no task uses.
    pub versions: BTreeMap<u64, TaskTemplate>,
    pub created_ms: Millis,
    pub updated_ms: Millis,
    /// `Endpoint.VirtualIPs`: (network name, address) per attached network (VIP mode).
    pub virtual_ips: Vec<(String, String)>,
    /// The published ports with the swarm-assigned ones filled in (`Endpoint.Ports`).
    pub endpoint_ports: Vec<PortConfig>,
}

impl Service {
    pub fn new(id: &str, spec: Spec, now_ms: Millis) -> Service {
        let mut versions = BTreeMap::new();
        versions.insert(1, spec.template.clone());
        Service {
            id: id.to_string(),
            endpoint_ports: spec.ports.clone(),
            spec,
            spec_version: 1,
            previous_spec: None,
            update_status: None,
            versions,
            created_ms: now_ms,
            updated_ms: now_ms,
            virtual_ips: Vec::new(),
        }
    }

    /// What the orchestrator and the restart supervisor read.
    pub fn orchestrator_spec(&self) -> ServiceSpec {
        ServiceSpec {
            id: self.id.clone(),
            name: self.spec.name.clone(),
            mode: self.spec.mode,
            spec_version: self.spec_version,
            task: self.spec.template.placement.clone(),
            restart: self.spec.template.restart,
        }
    }

    /// The template a task made at `spec_version` runs (the current one if unknown).
    pub fn template_of(&self, spec_version: u64) -> &TaskTemplate {
        self.versions
            .get(&spec_version)
            .unwrap_or(&self.spec.template)
    }

    /// SwarmKit `IsTaskDirty`: the task was made from a template unlike the current one.
    pub fn is_dirty(&self, spec_version: u64) -> bool {
        *self.template_of(spec_version) != self.spec.template
    }

    /// Replace the spec (update, scale, rollback): bump the version, remember the template.
    /// `keep_previous` is false for a rollback (SwarmKit clears `PreviousSpec` then).
    pub fn set_spec(&mut self, spec: Spec, keep_previous: bool, now_ms: Millis) {
        let old = std::mem::replace(&mut self.spec, spec);
        self.previous_spec = if keep_previous { Some(old) } else { None };
        self.spec_version += 1;
        self.versions
            .insert(self.spec_version, self.spec.template.clone());
        self.updated_ms = now_ms;
    }

    /// `3/3`-style desired count (replicated) or `None` for global services.
    pub fn replicas(&self) -> Option<u64> {
        match self.spec.mode {
            ServiceMode::Replicated { replicas } => Some(replicas),
            ServiceMode::Global => None,
        }
    }

    /// `replicated` / `global`, as `docker service ls` prints MODE.
    pub fn mode_text(&self) -> &'static str {
        match self.spec.mode {
            ServiceMode::Replicated { .. } => "replicated",
            ServiceMode::Global => "global",
        }
    }

    /// Forget templates no task and no spec refers to.
    pub fn prune_versions(&mut self, used: &std::collections::BTreeSet<u64>) {
        let current = self.spec_version;
        self.versions
            .retain(|v, _| *v == current || used.contains(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_swarmkits_effective_values() {
        let spec = Spec::new("web", "nginx:1.27");
        assert_eq!(spec.update.parallelism, 1);
        assert_eq!(spec.update.delay_ms, 0);
        assert_eq!(spec.update.monitor_ms, 5_000);
        assert_eq!(spec.update.failure_action, FailureAction::Pause);
        assert_eq!(spec.update.order, UpdateOrder::StopFirst);
        assert_eq!(spec.template.container.stop_grace_ms, 10_000);
        assert_eq!(spec.template.restart.delay_ms, 5_000);
        assert_eq!(spec.endpoint_mode, EndpointMode::Vip);
        assert_eq!(spec.mode, ServiceMode::Replicated { replicas: 1 });
    }

    #[test]
    fn an_image_change_dirties_tasks_a_scale_does_not() {
        let mut svc = Service::new("s1", Spec::new("web", "nginx:1.27"), 0);
        let mut scaled = svc.spec.clone();
        scaled.mode = ServiceMode::Replicated { replicas: 5 };
        svc.set_spec(scaled, true, 10);
        assert_eq!(svc.spec_version, 2);
        assert!(!svc.is_dirty(1));
        let mut updated = svc.spec.clone();
        updated.template.container.image = "nginx:1.28".into();
        svc.set_spec(updated, true, 20);
        assert!(svc.is_dirty(1) && svc.is_dirty(2) && !svc.is_dirty(3));
        assert_eq!(
            svc.previous_spec
                .as_ref()
                .map(|s| s.template.container.image.as_str()),
            Some("nginx:1.27")
        );
        let used = [3].into_iter().collect();
        svc.prune_versions(&used);
        assert_eq!(svc.versions.keys().copied().collect::<Vec<_>>(), vec![3]);
    }

    #[test]
    fn failure_ratio_prints_like_go() {
        let mut c = UpdateConfig::default();
        assert_eq!(c.max_failure_ratio_text(), "0");
        c.max_failure_ratio_per_mille = 200;
        assert_eq!(c.max_failure_ratio_text(), "0.2");
        c.max_failure_ratio_per_mille = 1000;
        assert_eq!(c.max_failure_ratio_text(), "1");
        c.max_failure_ratio_per_mille = 125;
        assert_eq!(c.max_failure_ratio_text(), "0.125");
    }

    #[test]
    fn env_value_takes_the_last_setting() {
        let c = ContainerSpec {
            env: vec!["A=1".into(), "AB=2".into(), "A=3".into()],
            ..ContainerSpec::default()
        };
        assert_eq!(c.env_value("A"), Some("3"));
        assert_eq!(c.env_value("AB"), Some("2"));
        assert_eq!(c.env_value("B"), None);
    }
}
