//! Webhook targets must be public hosts. An analyst can point a rule at any URL, and the
//! server then POSTs to it from inside the network: without this guard a rule reaches
//! loopback admin ports, private services and cloud metadata endpoints, and the delivery log's
//! "delivered / connection failed" scans their ports. Checked when a rule is saved (literal
//! addresses) and again at every connection, after DNS resolution, so a name that resolves
//! (or re-resolves) to a private address is refused too. The client never follows redirects.
//! Hosts an operator lists in `SIGNALROOM_WEBHOOK_ALLOW_HOSTS` pass (e.g. a local relay).

use app::domain::alert::rule::{RuleError, RuleSpec};
use hyper_util::client::legacy::connect::dns::Name;
use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Whether `ip` is an address on the public internet: not loopback, private, link-local
/// (cloud metadata lives at 169.254.169.254), shared (CGNAT), unspecified, multicast,
/// broadcast or reserved, in IPv4, IPv6 or IPv4 mapped into IPv6.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    !(ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && ip.octets()[2] == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64 to any IPv4
}

/// Hosts (names or literal addresses) an operator allowed as webhook targets.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowList(Arc<Vec<String>>);

impl AllowList {
    /// Parses `SIGNALROOM_WEBHOOK_ALLOW_HOSTS`: hosts separated by commas.
    pub fn parse(s: &str) -> AllowList {
        AllowList(Arc::new(
            s.split(',')
                .map(|h| normalize(h.trim()))
                .filter(|h| !h.is_empty())
                .collect(),
        ))
    }

    /// Whether `host` is listed.
    pub fn allows(&self, host: &str) -> bool {
        let host = normalize(host);
        self.0.contains(&host)
    }
}

fn normalize(host: &str) -> String {
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// The host of an `http://` URL (no port, brackets removed).
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("http://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = if let Some(v6) = authority.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        authority.rsplit_once(':').map_or(authority, |(h, _)| h)
    };
    Some(normalize(host))
}

/// Why a target is refused, or `None` when it may be tried (names are checked again after
/// resolution, at connection time).
pub fn refusal(url: &str, allow: &AllowList) -> Option<String> {
    let host = url_host(url)?;
    if allow.allows(&host) {
        return None;
    }
    let private = match host.parse::<IpAddr>() {
        Ok(ip) => !is_public(ip),
        Err(_) => host == "localhost" || host.ends_with(".localhost"),
    };
    private.then(|| {
        format!(
            "{host} is a loopback, private or link-local address: webhooks go to public hosts \
             (an operator can allow a host with SIGNALROOM_WEBHOOK_ALLOW_HOSTS)"
        )
    })
}

/// Refuses a rule whose webhook targets name a private address.
pub fn check_rule(spec: &RuleSpec, allow: &AllowList) -> Result<(), RuleError> {
    for w in &spec.webhooks {
        if let Some(message) = refusal(&w.url, allow) {
            return Err(RuleError {
                code: "forbidden_webhook_target",
                message,
            });
        }
    }
    Ok(())
}

/// A resolver that answers only public addresses (or any address of an allowed host), so the
/// HTTP client cannot be steered to a private one by DNS.
#[derive(Clone, Debug, Default)]
pub struct PublicResolver {
    pub allow: AllowList,
}

impl tower::Service<Name> for PublicResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = std::io::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: Name) -> Self::Future {
        let host = name.as_str().to_string();
        let allowed = self.allow.allows(&host);
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| allowed || is_public(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    "the host has no public address",
                ));
            }
            Ok(addrs.into_iter())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_link_local_and_metadata_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::7f00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["93.184.216.34", "8.8.8.8", "2606:4700::1111"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn literal_targets_are_refused_unless_allowed() {
        let none = AllowList::default();
        for url in [
            "http://127.0.0.1:8080/internal/admin",
            "http://[::1]/x",
            "http://localhost/x",
            "http://169.254.169.254/latest/meta-data",
            "http://10.0.0.5",
        ] {
            assert!(refusal(url, &none).is_some(), "{url}");
        }
        assert!(refusal("http://hooks.example.com/x", &none).is_none());
        let relay = AllowList::parse("127.0.0.1, Relay.Internal.");
        assert!(refusal("http://127.0.0.1:9/hook", &relay).is_none());
        assert!(relay.allows("relay.internal"));
        assert!(refusal("http://127.0.0.2:9/hook", &relay).is_some());
    }

    #[tokio::test]
    async fn names_that_resolve_to_private_addresses_find_no_address() {
        use std::str::FromStr;
        use tower::ServiceExt;
        let name = Name::from_str("localhost").unwrap();
        let refused = PublicResolver::default().oneshot(name.clone()).await;
        assert_eq!(
            refused.err().map(|e| e.kind()),
            Some(std::io::ErrorKind::PermissionDenied)
        );
        let allowed = PublicResolver {
            allow: AllowList::parse("localhost"),
        }
        .oneshot(name)
        .await;
        assert!(allowed.is_ok_and(|mut a| a.next().is_some()));
    }

    #[test]
    fn hosts_are_read_from_urls_with_ports_and_brackets() {
        assert_eq!(url_host("http://a.b:80/x").as_deref(), Some("a.b"));
        assert_eq!(url_host("http://[::1]:80/x").as_deref(), Some("::1"));
        assert_eq!(url_host("http://A.B?q").as_deref(), Some("a.b"));
    }
}
