//! `acme.json` as text: Traefik's certificate store, written into the container's filesystem.
//!
//! Real Traefik (`pkg/provider/acme/local_store.go`) keeps one JSON object per certificate
//! resolver: `{"le": {"Account": {"Email", "Registration": {"body", "uri"}, "PrivateKey",
//! "KeyType"}, "Certificates": [{"domain": {"main", "sans"}, "certificate", "key", "Store"}]}}`,
//! where `certificate` and `key` are base64 of PEM. Traefik writes it with mode 0600 and reads
//! it at start.
//!
//! Here: the same shape, so `docker exec traefik cat /letsencrypt/acme.json` looks as it does for
//! real; the `certificate` field is base64 of a PEM-framed block whose body is the simulated
//! certificate's fields (serial, dates, issuer, CA) so that a restarted Traefik reads back what
//! it stored. A file we cannot read is an empty store (Traefik would refuse it). A leaf.

use serde_json::{Value, json};

use super::acme::{AcmeStore, Certificate, Directory, ResolverStore};
use super::htpasswd::{b64_decode, b64_encode};

/// The text Traefik writes for a store.
pub fn to_json(store: &AcmeStore, email_of: impl Fn(&str) -> String) -> String {
    let mut root = serde_json::Map::new();
    for (resolver, r) in &store.resolvers {
        let account = r.account.as_ref().map(|(id, uri)| {
            json!({
                "Email": email_of(resolver),
                "Registration": {"body": {"status": "valid"}, "uri": uri},
                "PrivateKey": b64_encode(format!("simulated account key {id}").as_bytes()),
                "KeyType": "4096",
                "Id": id,
            })
        });
        let certificates: Vec<Value> = r
            .certificates
            .iter()
            .map(|c| {
                let body = format!(
                    "-----BEGIN CERTIFICATE-----\nserial={}\nnames={}\nnot_before={}\nnot_after={}\nissuer={}\nca={}\n-----END CERTIFICATE-----\n",
                    c.serial,
                    c.names.join(","),
                    c.not_before,
                    c.not_after,
                    c.issuer,
                    match c.directory {
                        Directory::Production => "production",
                        Directory::Staging => "staging",
                    }
                );
                json!({
                    "domain": {
                        "main": c.names.first().cloned().unwrap_or_default(),
                        "sans": c.names.iter().skip(1).cloned().collect::<Vec<_>>(),
                    },
                    "certificate": b64_encode(body.as_bytes()),
                    "key": b64_encode(format!("simulated key {}", c.serial).as_bytes()),
                    "Store": "default",
                })
            })
            .collect();
        root.insert(
            resolver.clone(),
            json!({"Account": account, "Certificates": certificates}),
        );
    }
    serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default() + "\n"
}

/// The store a text holds (unreadable parts are left out).
pub fn from_json(text: &str) -> AcmeStore {
    let mut store = AcmeStore::default();
    let Ok(Value::Object(root)) = serde_json::from_str::<Value>(text) else {
        return store;
    };
    for (resolver, value) in root {
        let mut r = ResolverStore::default();
        let account = &value["Account"];
        if let (Some(id), Some(uri)) = (
            account["Id"].as_u64(),
            account["Registration"]["uri"].as_str(),
        ) {
            r.account = Some((id, uri.to_string()));
        }
        for c in value["Certificates"].as_array().into_iter().flatten() {
            if let Some(cert) = c["certificate"]
                .as_str()
                .and_then(b64_decode)
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|pem| certificate(&pem))
            {
                r.certificates.push(cert);
            }
        }
        store.resolvers.insert(resolver, r);
    }
    store
}

fn certificate(pem: &str) -> Option<Certificate> {
    let field = |key: &str| {
        pem.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(str::to_string)
    };
    Some(Certificate {
        serial: field("serial")?,
        names: field("names")?.split(',').map(str::to_string).collect(),
        not_before: field("not_before")?.parse().ok()?,
        not_after: field("not_after")?.parse().ok()?,
        issuer: field("issuer")?,
        directory: match field("ca")?.as_str() {
            "staging" => Directory::Staging,
            _ => Directory::Production,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_survives_the_file() {
        let mut store = AcmeStore::default();
        store.resolvers.insert(
            "le".into(),
            ResolverStore {
                account: Some((3, "https://acme-v02.api.letsencrypt.org/acme/acct/3".into())),
                certificates: vec![Certificate {
                    serial: "03a1".into(),
                    names: vec!["app.example.com".into()],
                    not_before: 5,
                    not_after: 7_776_000_005,
                    issuer: "C=US; O=Let's Encrypt; CN=R12".into(),
                    directory: Directory::Production,
                }],
            },
        );
        let text = to_json(&store, |_| "ops@example.com".into());
        assert!(text.contains("\"Certificates\""), "{text}");
        assert!(text.contains("\"main\": \"app.example.com\""), "{text}");
        assert_eq!(from_json(&text), store);
        assert_eq!(from_json("not json"), AcmeStore::default());
    }
}
