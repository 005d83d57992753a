//! HTTP as the simulation's clients and servers speak it: one request, one response.
//!
//! Real HTTP/1.1 (RFC 9110, 9112): a request line (method, target), headers (`Host` names the
//! site, so one address serves many sites), an optional body; a response is a status line, headers
//! and a body. A reverse proxy such as Traefik reads the `Host` header and the path to pick a
//! backend, may rewrite them, and answers errors of its own (404, 502, 503, 504).
//!
//! Here: a request is its method, scheme, the address and port it was sent to, the `Host`
//! header (the URL's host unless `-H 'Host: …'` says otherwise), the path and query, the other
//! headers and the client's address; a response is a status, headers and a body. What we
//! simplify: a request body is text (`curl -d`), no chunking or keep-alive, header names compared without case,
//! one value per header line.
//!
//! A leaf: it imports only the router's view of a request.

use crate::sim::traefik::rule;

/// One HTTP request.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Request {
    pub method: String,
    /// `http` or `https`.
    pub scheme: String,
    /// The `Host` header: the URL's host (with its port when not the scheme's default) unless
    /// the client set another.
    pub host: String,
    /// The TCP port the connection was made to.
    pub port: u16,
    pub path: String,
    /// Without `?`.
    pub query: String,
    /// Other headers, in the order given.
    pub headers: Vec<(String, String)>,
    /// The client's address as the server sees it.
    pub client_ip: String,
    /// What `curl -d` sends (empty for none).
    pub body: String,
}

impl Request {
    /// A GET of `path` on `host:port` over `scheme`.
    pub fn get(scheme: &str, host: &str, port: u16, path: &str) -> Request {
        let (path, query) = match path.split_once('?') {
            Some((p, q)) => (p.to_string(), q.to_string()),
            None => (path.to_string(), String::new()),
        };
        Request {
            method: "GET".into(),
            scheme: scheme.into(),
            host: host_header(scheme, host, port),
            port,
            path: if path.is_empty() { "/".into() } else { path },
            query,
            headers: Vec::new(),
            client_ip: String::new(),
            body: String::new(),
        }
    }

    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path with its query, as the request line carries it.
    pub fn target(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }

    /// What a Traefik router's rule looks at.
    pub fn for_rule(&self) -> rule::Request {
        rule::Request {
            host: self.host.clone(),
            path: self.path.clone(),
            method: self.method.clone(),
            headers: self.headers.clone(),
            query: self.query.clone(),
            client_ip: self.client_ip.clone(),
        }
    }
}

/// The `Host` header a client sends for a URL: the port only when it is not the scheme's own.
pub fn host_header(scheme: &str, host: &str, port: u16) -> String {
    let default = if scheme == "https" { 443 } else { 80 };
    if port == default {
        host.to_string()
    } else {
        format!("{host}:{port}")
    }
}

/// One HTTP response.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// A response with a `text/plain` body, as Go's `http.Error` writes one (the body ends
    /// with a newline).
    pub fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            headers: vec![
                ("Content-Type".into(), "text/plain; charset=utf-8".into()),
                ("X-Content-Type-Options".into(), "nosniff".into()),
            ],
            body: format!("{body}\n"),
        }
    }

    /// A page a server answered.
    pub fn page(status: u16, content_type: &str, body: String) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `HTTP/1.1 404 Not Found`.
    pub fn status_line(&self) -> String {
        format!("HTTP/1.1 {} {}", self.status, reason(self.status))
    }
}

/// The reason phrase Go's `http.StatusText` gives a status.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        499 => "Client Closed Request",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The class of a status for the traffic chart: `2xx`, `3xx`, `4xx`, `5xx`.
pub fn class(status: u16) -> &'static str {
    match status {
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_header_leaves_out_the_default_port() {
        assert_eq!(host_header("http", "a.example.com", 80), "a.example.com");
        assert_eq!(host_header("https", "a.example.com", 443), "a.example.com");
        assert_eq!(host_header("http", "localhost", 8080), "localhost:8080");
        let r = Request::get("http", "x", 80, "/a?b=1");
        assert_eq!((r.path.as_str(), r.query.as_str()), ("/a", "b=1"));
        assert_eq!(r.target(), "/a?b=1");
    }

    #[test]
    fn go_error_bodies_end_with_a_newline() {
        let r = Response::text(404, "404 page not found");
        assert_eq!(r.body, "404 page not found\n");
        assert_eq!(r.status_line(), "HTTP/1.1 404 Not Found");
    }
}
