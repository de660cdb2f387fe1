//! Terraform addresses: `module.net["a"].aws_security_group.web[0]`.

use std::ops::Range;

/// The first segment of references that do not name a managed resource.
const NOT_RESOURCES: &[&str] = &[
    "var",
    "local",
    "module",
    "data",
    "each",
    "count",
    "path",
    "terraform",
    "self",
    "ephemeral",
    "resource",
];

/// Byte ranges of the segments of an address, split at dots outside `[...]` and strings.
fn segments(address: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (mut depth, mut in_string, mut escaped, mut start) = (0usize, false, false, 0usize);
    for (i, b) in address.bytes().enumerate() {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' => depth += 1,
            b']' => depth = depth.saturating_sub(1),
            b'.' if depth == 0 => {
                out.push(start..i);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(start..address.len());
    out
}

/// The address without instance keys: `module.a["x"].aws_s3_bucket.b[0]` becomes
/// `module.a.aws_s3_bucket.b`.
pub(crate) fn config_address(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' if depth > 0 => in_string = true,
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// The module instance a resource instance lives in (`module.a["x"]`, empty for the
/// root module) and the resource's own instance key (`0`, `"x"`) if it has one.
pub(crate) fn instance_parts(address: &str) -> (&str, Option<&str>) {
    let segments = segments(address);
    let count = segments.len();
    let resource_start = segments
        .get(count.saturating_sub(2))
        .map_or(0, |range| range.start);
    let module = address
        .get(..resource_start)
        .unwrap_or_default()
        .trim_end_matches('.');
    let last = segments.last().cloned().unwrap_or(0..0);
    let name = address.get(last).unwrap_or_default();
    let key = name.find('[').and_then(|at| name.get(at..));
    (module, key)
}

/// The instance key written in a reference after the resource's name.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Key {
    /// A literal key, as addresses write it: `["a"]`, `[0]`.
    Literal(String),
    /// `[each.key]` or `[count.index]`.
    Iteration,
    /// Any other expression: `[local.pick]`, `[each.value]`.
    Other,
}

/// The resource a reference names, as `type.name`, and the instance key written after
/// it, or `None` for references to variables, locals, modules, data sources and the
/// like. `aws_s3_bucket.logs.id` gives `aws_s3_bucket.logs` without a key,
/// `aws_s3_bucket.logs["a"].arn` the literal key `["a"]`.
pub(crate) fn reference_parts(reference: &str) -> Option<(String, Option<Key>)> {
    let (kind, rest) = reference.split_once('.')?;
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = rest.get(..end)?;
    let valid = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    };
    if NOT_RESOURCES.contains(&kind) || !valid(kind) || !valid(name) {
        return None;
    }
    let key = rest
        .get(end..)
        .filter(|after| after.starts_with('['))
        .map(|after| {
            let segments = segments(after);
            let first = segments
                .first()
                .and_then(|range| after.get(range.clone()))
                .unwrap_or_default();
            let close = first.rfind(']').unwrap_or(first.len());
            let inner = first.get(1..close).unwrap_or_default().trim();
            if inner == "each.key" || inner == "count.index" {
                Key::Iteration
            } else if (!inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()))
                || (inner.len() >= 2
                    && inner.starts_with('"')
                    && inner.ends_with('"')
                    && !inner
                        .get(1..inner.len() - 1)
                        .unwrap_or("$")
                        .contains(['$', '%']))
            {
                Key::Literal(format!("[{inner}]"))
            } else {
                Key::Other
            }
        });
    Some((format!("{kind}.{name}"), key))
}

/// The resource a reference names, as `type.name`, or `None` for references to
/// variables, locals, modules, data sources and the like.
/// `aws_s3_bucket.logs.id`, `aws_s3_bucket.logs` and `aws_s3_bucket.logs[0]` all give
/// `aws_s3_bucket.logs`.
#[cfg(test)]
pub(crate) fn resource_reference(reference: &str) -> Option<String> {
    reference_parts(reference).map(|(target, _)| target)
}

/// The provider's short name: the last segment of `provider_name`
/// (`registry.terraform.io/hashicorp/aws` gives `aws`), or else the resource type's
/// prefix (`aws_s3_bucket` gives `aws`).
pub(crate) fn provider(provider_name: Option<&str>, kind: &str) -> String {
    let from_name = provider_name
        .and_then(|name| {
            name.trim_end_matches(['"', ']'])
                .rsplit(['/', '.', '"'])
                .next()
        })
        .filter(|s| !s.is_empty());
    match from_name {
        Some(name) => name.to_owned(),
        None => kind.split('_').next().unwrap_or(kind).to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_addresses() {
        assert_eq!(
            config_address(r#"module.a["x"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(
            config_address(r#"module.a["x.y[1]"].aws_s3_bucket.b["k\"]"]"#),
            "module.a.aws_s3_bucket.b"
        );
        assert_eq!(config_address("aws_s3_bucket.b"), "aws_s3_bucket.b");
    }

    #[test]
    fn instance_keys() {
        assert_eq!(instance_parts("aws_s3_bucket.b"), ("", None));
        assert_eq!(instance_parts("aws_s3_bucket.b[0]"), ("", Some("[0]")));
        assert_eq!(
            instance_parts(r#"module.a["x.y"].module.c.aws_s3_bucket.b["k"]"#),
            (r#"module.a["x.y"].module.c"#, Some(r#"["k"]"#))
        );
        assert_eq!(instance_parts("weird"), ("", None));
    }

    #[test]
    fn references() {
        assert_eq!(
            resource_reference("aws_s3_bucket.logs.id").as_deref(),
            Some("aws_s3_bucket.logs")
        );
        assert_eq!(
            resource_reference("aws_s3_bucket.logs[0]").as_deref(),
            Some("aws_s3_bucket.logs")
        );
        assert_eq!(
            resource_reference(r#"aws_s3_bucket.logs["a.b"].arn"#).as_deref(),
            Some("aws_s3_bucket.logs")
        );
        for not_resource in [
            "var.name",
            "local.tags",
            "module.net.vpc_id",
            "data.aws_iam_policy_document.p.json",
            "each.value",
            "count.index",
            "path.module",
            "terraform.workspace",
            "self.id",
            "aws_s3_bucket",
        ] {
            assert_eq!(resource_reference(not_resource), None, "{not_resource}");
        }
    }

    #[test]
    fn reference_keys() {
        let key = |r: &str| reference_parts(r).and_then(|(_, key)| key);
        assert_eq!(
            key(r#"aws_s3_bucket.b["a"].id"#),
            Some(Key::Literal(r#"["a"]"#.to_owned()))
        );
        assert_eq!(
            key("aws_s3_bucket.b[2]"),
            Some(Key::Literal("[2]".to_owned()))
        );
        assert_eq!(key("aws_s3_bucket.b[each.key].id"), Some(Key::Iteration));
        assert_eq!(key("aws_s3_bucket.b[count.index]"), Some(Key::Iteration));
        assert_eq!(key("aws_s3_bucket.b[local.pick]"), Some(Key::Other));
        assert_eq!(key(r#"aws_s3_bucket.b["${var.x}"]"#), Some(Key::Other));
        assert_eq!(key("aws_s3_bucket.b.id"), None);
        assert_eq!(key("aws_s3_bucket.b"), None);
        assert_eq!(
            reference_parts(r#"aws_s3_bucket.b["x.y"].arn"#).map(|(t, _)| t),
            Some("aws_s3_bucket.b".to_owned())
        );
    }

    #[test]
    fn providers() {
        assert_eq!(
            provider(Some("registry.terraform.io/hashicorp/aws"), "aws_s3_bucket"),
            "aws"
        );
        assert_eq!(
            provider(
                Some("registry.terraform.io/tencentcloudstack/tencentcloud"),
                "x"
            ),
            "tencentcloud"
        );
        assert_eq!(provider(Some("aws"), "aws_s3_bucket"), "aws");
        assert_eq!(provider(Some("provider.aws"), "aws_s3_bucket"), "aws");
        assert_eq!(provider(None, "google_storage_bucket"), "google");
    }
}
