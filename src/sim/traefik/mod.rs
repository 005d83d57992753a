//! Traefik v3, the reverse proxy of page 11, as the program of the `traefik:v3.x` image.
//!
//! Real Traefik (traefik/traefik, a Go program) reads a static configuration once at start
//! (flags, or a `traefik.yml`), then follows its providers (the Docker socket, the swarm API,
//! files) for routers, services and middlewares, and routes each HTTP request to the router with
//! the highest priority whose rule matches. We model it in the same split. Its pure parts are
//! leaves that know nothing of the world: [`static_config`] (what it reads at start),
//! [`dynamic`] (the docker and swarm providers reading labels into routers, services and
//! middlewares), [`rule`] (the router rule language: parse, errors, matching, default
//! priority), [`regexp`] (the regular-expression subset its `*Regexp` matchers need) and
//! [`acme`] (a simulated Let's Encrypt and Traefik's certificate store, `acme.json`). What each
//! simplifies is in its own header. This module file only declares its submodules.

pub mod acme;
pub mod certs;
pub mod check;
pub mod dynamic;
pub mod file_provider;
pub mod htpasswd;
pub mod model;
pub mod program;
pub mod providers;
pub mod proxy;
pub mod regexp;
pub mod rule;
pub mod static_config;
pub mod store;
