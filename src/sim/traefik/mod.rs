//! Traefik v3, the reverse proxy of page 11, as the program of the `traefik:v3.x` image.
//!
//! Real Traefik (traefik/traefik, a Go program) reads a static configuration once at start
//! (flags, or a `traefik.yml`), then follows its providers (the Docker socket, the swarm API,
//! files) for routers, services and middlewares, and routes each HTTP request to the router with
//! the highest priority whose rule matches. We model it in the same split. Its pure parts are
//! leaves that know nothing of the world: [`static_config`] (what it reads at start),
//! [`dynamic`] (the docker, swarm and file providers reading labels into routers, services and
//! middlewares), [`file_provider`] (a dynamic YAML file as those keys), [`rule`] and [`regexp`]
//! (the router rule language), [`acme`] (a simulated Let's Encrypt and `acme.json`'s rules),
//! [`store`] (acme.json as text), [`htpasswd`] (basic-auth hashes) and [`model`] (the running
//! instances, public DNS and the CA, held by the world). The behaviour over the world:
//! [`program`] (the image's program at container start), [`providers`] (what each instance's
//! providers see, and when), [`proxy`] (one request through an instance), [`certs`] (orders,
//! validation, renewal) and [`check`] (scenario sentences). What each simplifies is in its own
//! header.

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
