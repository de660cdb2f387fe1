//! CEL functions that security rules need and CEL lacks.
//!
//! | function | meaning |
//! | --- | --- |
//! | `cidr_is_world(s)` | `s` allows every address: `0.0.0.0/0`, `::/0`, `*`, `Internet`, `Any` |
//! | `cidr_is_public(s)` | `s` covers any address outside private, loopback, link-local and shared ranges (world counts) |
//! | `port_in(spec, port)` | the port spec (`"22"`, `"80,443"`, `"1000-2000"`, `"all"`, `"*"`, `"-1"`, `""`) includes `port` |
//! | `range_has_port(from, to, port)` | `from <= port <= to`, where `from = to = 0` and `-1` mean every port (AWS) |
//! | `unknown(path)` | is not a function: see the rule field `unknown_if` |
//!
//! CEL's own `s.matches(re)` (and `matches(s, re)`) is registered here too: the same
//! RE2-style semantics as the standard function, with each pattern compiled once per
//! thread instead of once per call.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use cel::extractors::This;
use cel::{Context, ExecutionError};
use regex::Regex;

/// Adds Testat's functions to a root CEL context.
pub(crate) fn register(context: &mut Context<'_, '_>) -> Result<(), cel::DeclarationError> {
    context.add_function("cidr_is_world", |s: Arc<String>| cidr_is_world(&s))?;
    context.add_function("cidr_is_public", |s: Arc<String>| cidr_is_public(&s))?;
    context.add_function("port_in", |spec: Arc<String>, port: i64| {
        port_in(&spec, port)
    })?;
    context.add_function("range_has_port", |from: i64, to: i64, port: i64| {
        range_has_port(from, to, port)
    })?;
    context.add_function(
        "matches",
        |This(text): This<Arc<String>>, pattern: Arc<String>| matches(&text, &pattern),
    )?;
    Ok(())
}

thread_local! {
    /// Patterns compiled so far on this thread. Rules hold a handful of literal
    /// patterns, so the map stays small.
    static PATTERNS: RefCell<HashMap<String, Regex>> = RefCell::new(HashMap::new());
}

/// Whether `text` contains a match of the regular expression `pattern` (CEL's
/// `matches`: unanchored, as RE2 and the `regex` crate search).
pub fn matches(text: &str, pattern: &str) -> Result<bool, ExecutionError> {
    PATTERNS.with(|cache| {
        if let Some(regex) = cache.borrow().get(pattern) {
            return Ok(regex.is_match(text));
        }
        let regex = Regex::new(pattern).map_err(|e| {
            ExecutionError::function_error(
                "matches",
                format!("'{pattern}' is not a valid regex: {e}"),
            )
        })?;
        let found = regex.is_match(text);
        cache.borrow_mut().insert(pattern.to_owned(), regex);
        Ok(found)
    })
}

/// The names of the functions, for documentation and `rules show`.
pub const FUNCTIONS: &[&str] = &[
    "cidr_is_world",
    "cidr_is_public",
    "port_in",
    "range_has_port",
];

/// Whether a source means "any address".
pub fn cidr_is_world(source: &str) -> bool {
    let s = source.trim();
    matches!(s, "0.0.0.0/0" | "::/0" | "*" | "0.0.0.0" | "::")
        || s.eq_ignore_ascii_case("internet")
        || s.eq_ignore_ascii_case("any")
}

/// Whether a CIDR (or single address) covers any publicly routable address.
///
/// Unparseable values (security-group IDs, service tags other than `Internet`) are
/// not public: rules that care treat them separately.
pub fn cidr_is_public(source: &str) -> bool {
    if cidr_is_world(source) {
        return true;
    }
    let s = source.trim();
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok()),
        None => (s, None),
    };
    match addr.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => {
            let prefix = prefix.unwrap_or(32).min(32);
            !PRIVATE_V4
                .iter()
                .any(|&(net, len)| prefix >= len && in_v4(ip, net, len))
        }
        Ok(IpAddr::V6(ip)) => {
            let prefix = prefix.unwrap_or(128).min(128);
            !PRIVATE_V6
                .iter()
                .any(|&(net, len)| prefix >= len && in_v6(ip, net, len))
        }
        Err(_) => false,
    }
}

/// IPv4 ranges that are not reachable from the internet.
const PRIVATE_V4: &[(Ipv4Addr, u8)] = &[
    (Ipv4Addr::new(10, 0, 0, 0), 8),
    (Ipv4Addr::new(172, 16, 0, 0), 12),
    (Ipv4Addr::new(192, 168, 0, 0), 16),
    (Ipv4Addr::new(127, 0, 0, 0), 8),
    (Ipv4Addr::new(169, 254, 0, 0), 16),
    (Ipv4Addr::new(100, 64, 0, 0), 10),
];

/// IPv6 ranges that are not reachable from the internet.
const PRIVATE_V6: &[(Ipv6Addr, u8)] = &[
    (Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0), 7),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10),
    (Ipv6Addr::LOCALHOST, 128),
];

fn in_v4(ip: Ipv4Addr, net: Ipv4Addr, len: u8) -> bool {
    let mask = u32::MAX.checked_shl(32 - u32::from(len)).unwrap_or(0);
    u32::from(ip) & mask == u32::from(net) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, len: u8) -> bool {
    let mask = u128::MAX.checked_shl(128 - u32::from(len)).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

/// Whether a port specification includes `port`.
pub fn port_in(spec: &str, port: i64) -> bool {
    let spec = spec.trim();
    if spec.is_empty()
        || spec == "*"
        || spec == "-1"
        || spec.eq_ignore_ascii_case("all")
        || spec.eq_ignore_ascii_case("any")
    {
        return true;
    }
    spec.split(',').any(|part| {
        let part = part.trim();
        match part.split_once('-') {
            Some((from, to)) => match (from.trim().parse::<i64>(), to.trim().parse::<i64>()) {
                (Ok(from), Ok(to)) => from <= port && port <= to,
                _ => false,
            },
            None => part.parse::<i64>() == Ok(port),
        }
    })
}

/// Whether the range `from..=to` includes `port`; `-1` or `0..=0` mean all ports.
pub fn range_has_port(from: i64, to: i64, port: i64) -> bool {
    if from == -1 || to == -1 || (from == 0 && to == 0) {
        return true;
    }
    from <= port && port <= to
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `condition` as rules run: the rule environment and Testat's functions.
    fn run(condition: &str) -> Result<cel::Value, ExecutionError> {
        let env = Arc::new(crate::ruleset::environment());
        let program = env.compile(condition).expect("condition compiles");
        let mut context = Context::with_env(Arc::clone(&env));
        register(&mut context).expect("no clash with CEL's standard library");
        program.execute(&context)
    }

    #[test]
    fn matches_searches_as_cel_does_in_both_call_forms() {
        for (condition, expected) in [
            ("'Inbound'.matches('(?i)^inbound$')", true),
            ("'Outbound'.matches('(?i)^inbound$')", false),
            ("'img@sha256:ab'.matches('@sha256:')", true),
            ("matches('tcp', '^(tcp|\\\\*)$')", true),
            ("matches('udp', '^(tcp|\\\\*)$')", false),
            // The cached pattern gives the same answers on a second run.
            (
                "['Allow', 'Deny', 'allow'].filter(a, a.matches('(?i)^allow$')).size() == 2",
                true,
            ),
        ] {
            assert_eq!(
                run(condition),
                Ok(cel::Value::Bool(expected)),
                "{condition}"
            );
        }
    }

    #[test]
    fn matches_with_a_bad_pattern_is_an_error() {
        let error = run("'x'.matches('(open')").unwrap_err();
        assert!(
            error.to_string().contains("'(open' is not a valid regex"),
            "{error}"
        );
    }

    #[test]
    fn world_and_public_cidrs() {
        for world in ["0.0.0.0/0", "::/0", "*", "Internet", "any"] {
            assert!(cidr_is_world(world), "{world}");
            assert!(cidr_is_public(world), "{world}");
        }
        for private in [
            "10.0.0.0/8",
            "10.1.2.0/24",
            "172.16.0.0/12",
            "192.168.1.1",
            "fd00::/8",
            "127.0.0.1/32",
        ] {
            assert!(!cidr_is_public(private), "{private}");
        }
        for public in [
            "8.8.8.8/32",
            "10.0.0.0/7",
            "172.0.0.0/8",
            "2001:db8::/32",
            "1.2.3.4",
        ] {
            assert!(cidr_is_public(public), "{public}");
        }
        assert!(!cidr_is_public("sg-0123456789"));
        assert!(!cidr_is_world("10.0.0.0/8"));
    }

    #[test]
    fn port_specs() {
        assert!(port_in("22", 22));
        assert!(!port_in("2222", 22));
        assert!(port_in("80,443,20-25", 22));
        assert!(!port_in("80,443", 22));
        assert!(port_in("ALL", 3389));
        assert!(port_in("", 3389));
        assert!(!port_in("abc", 22));
        assert!(range_has_port(0, 65535, 22));
        assert!(range_has_port(-1, -1, 22));
        assert!(range_has_port(0, 0, 22));
        assert!(!range_has_port(80, 443, 22));
    }
}
