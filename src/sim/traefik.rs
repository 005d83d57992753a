//! Traefik v3, the reverse proxy of page 11, as far as the simulation models it.
//!
//! Real Traefik is a Go program (traefik/traefik) that reads routers, services and middlewares
//! from its providers and routes each HTTP request to the router with the highest priority whose
//! rule matches. This module holds its pure parts, leaves that know nothing of the world:
//! [`rule`], the router rule language (parse, errors, matching, default priority), and
//! [`regexp`], the regular-expression subset its `*Regexp` matchers need. What each simplifies
//! is in its own header.

pub mod regexp;
pub mod rule;
