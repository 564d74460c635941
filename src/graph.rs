//! The one depth-first walk over a lineage (models and their base models, datasets they were trained on),
//! shared by the manifest's cycle check, the license assessment's parents-first order and the report's
//! lineage graph. Iterative, so a lineage of any depth walks in O(nodes + edges) without recursion.

/// What a walk found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Walk {
    /// Every node, each after all of its parents that are not on a cycle through it.
    pub parents_first: Vec<usize>,
    /// Each cycle met, as the path from the node it returns to, in walk order (a validated manifest has none).
    pub cycles: Vec<Vec<usize>>,
}

/// Walks nodes `0..count` (starting from each in turn), visiting `parents(node)` in order before the node.
pub fn walk(count: usize, parents: impl Fn(usize) -> Vec<usize>) -> Walk {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        OnPath,
        Done,
    }
    let mut mark = vec![Mark::New; count];
    let mut found = Walk::default();
    for start in 0..count {
        if mark[start] != Mark::New {
            continue;
        }
        // the path from `start`: each node with its parents and the index of the next one to visit
        let mut path: Vec<(usize, Vec<usize>, usize)> = vec![(start, parents(start), 0)];
        mark[start] = Mark::OnPath;
        while let Some((node, node_parents, next)) = path.last_mut() {
            let Some(&parent) = node_parents.get(*next) else {
                mark[*node] = Mark::Done;
                found.parents_first.push(*node);
                path.pop();
                continue;
            };
            *next += 1;
            match mark.get(parent).copied() {
                Some(Mark::New) => {
                    mark[parent] = Mark::OnPath;
                    path.push((parent, parents(parent), 0));
                }
                Some(Mark::OnPath) => {
                    let from = path.iter().position(|(n, _, _)| *n == parent).unwrap_or(0);
                    found
                        .cycles
                        .push(path[from..].iter().map(|(n, _, _)| *n).collect());
                }
                Some(Mark::Done) | None => {}
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_come_first_and_cycles_are_found_once_per_back_edge() {
        // 0 <- 1 <- 2, declared child first
        let parents = [vec![], vec![0], vec![1]];
        let found = walk(3, |n| parents[2 - n].iter().map(|p| 2 - p).collect());
        assert_eq!(found.parents_first, [2, 1, 0]);
        assert!(found.cycles.is_empty());
        // 0 -> 1 -> 2 -> 0
        let parents = [vec![1], vec![2], vec![0]];
        let found = walk(3, |n| parents[n].clone());
        assert_eq!(found.cycles, [vec![0, 1, 2]]);
        assert_eq!(found.parents_first.len(), 3);
        // a deep chain walks without recursion
        let found = walk(200_000, |n| if n + 1 < 200_000 { vec![n + 1] } else { vec![] });
        assert_eq!(found.parents_first[0], 199_999);
    }
}
