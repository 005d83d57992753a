//! One picture per concept of the learning path. Each is a set of function components that take
//! the world (`Rc<World>`) and the last record and draw hand-written SVG; they hold no simulation
//! logic and send inputs (faults) back through callbacks.

pub mod compose;
pub mod deploy;
pub mod disk;
pub mod images;
pub mod lifecycle;
pub mod network;
pub mod overlay;
pub mod swarm;
pub mod traffic_chart;
pub mod volumes;
pub mod why;

/// Cuts `text` to `max` characters, ending with an ellipsis when it was longer.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncation_counts_characters() {
        assert_eq!(super::truncate("nginx", 8), "nginx");
        assert_eq!(super::truncate("/docker-entrypoint.sh", 8), "/docker…");
        assert_eq!(super::truncate("ééééé", 3), "éé…");
    }
}
