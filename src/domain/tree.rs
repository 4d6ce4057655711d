//! Ordering a hierarchy for display: each node after its parent, children by name, with depth.

use std::collections::BTreeMap;

/// A node: its id, its parent's id, its sort name.
pub trait Node {
    /// The node's id.
    fn id(&self) -> i64;
    /// Its parent's id, if any.
    fn parent(&self) -> Option<i64>;
    /// What siblings are sorted by.
    fn sort_key(&self) -> &str;
}

/// The nodes in depth-first order with their depth. A node whose parent is not among `nodes`
/// (outside the caller's scope) is shown as a root.
pub fn depth_first<N: Node>(nodes: Vec<N>) -> Vec<(usize, N)> {
    let ids: Vec<i64> = nodes.iter().map(Node::id).collect();
    let mut children: BTreeMap<Option<i64>, Vec<N>> = BTreeMap::new();
    for node in nodes {
        let parent = node.parent().filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(node);
    }
    for siblings in children.values_mut() {
        siblings.sort_by(|a, b| a.sort_key().cmp(b.sort_key()));
    }
    let mut out = Vec::with_capacity(ids.len());
    // An explicit stack rather than recursion: depth is data, not call frames.
    let mut stack: Vec<(usize, N)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|n| (0, n))
        .collect();
    while let Some((depth, node)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(node.id())) {
            stack.extend(kids.into_iter().rev().map(|k| (depth + 1, k)));
        }
        out.push((depth, node));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Org(i64, Option<i64>, &'static str);

    impl Node for Org {
        fn id(&self) -> i64 {
            self.0
        }
        fn parent(&self) -> Option<i64> {
            self.1
        }
        fn sort_key(&self) -> &str {
            self.2
        }
    }

    #[test]
    fn children_follow_their_parent_sorted_by_name() {
        let orgs = vec![
            Org(3, Some(1), "Toulon"),
            Org(1, None, "ESUP"),
            Org(4, Some(3), "IUT de Toulon"),
            Org(2, Some(1), "Aix-Marseille"),
            Org(9, Some(77), "Orphan"),
        ];
        let ordered: Vec<(usize, &str)> = depth_first(orgs)
            .into_iter()
            .map(|(d, o)| (d, o.2))
            .collect();
        assert_eq!(
            ordered,
            vec![
                (0, "ESUP"),
                (1, "Aix-Marseille"),
                (1, "Toulon"),
                (2, "IUT de Toulon"),
                (0, "Orphan"),
            ]
        );
    }
}
