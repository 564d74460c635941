//! The lineage graph as an inline SVG, laid out in layers (Sugiyama): training data and base models to the left
//! of what derives from them, an edge that spans several layers routed through a placeholder in each, and the
//! order within each layer chosen to cross as few edges as it can (barycentre sweeps, the best order kept).
//!
//! Each node says two things: its fill is the worst of its findings and its license verdict (red: an error or
//! a denial; amber: a warning or needs-review; green: neither), and its left band is what its license is
//! (green: permissive; blue: conditions such as thresholds or use policies; violet: non-commercial or
//! research-only; grey: unknown or none), so a research-only dataset reads differently from a permissive one
//! even when nothing about it is wrong for this use. Names too long for a node are cut and given whole on
//! hover (SVG `<title>`). No scripts, fonts or external references.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::{Audit, ComponentReport};
use crate::bom::ComponentKind;
use crate::findings::Severity;
use crate::license::kb::Commercial;
use crate::license::rules::LicenseVerdict;

const WIDTH: usize = 250;
const HEIGHT: usize = 46;
const COLUMN_GAP: usize = 90;
const ROW_GAP: usize = 18;
/// The slot a placeholder (an edge passing through a layer) takes.
const PASS_HEIGHT: usize = 14;
const MARGIN: usize = 16;
const BAND: usize = 7;
/// Barycentre sweeps (down and up count as one).
const SWEEPS: usize = 12;
/// Above this many edges between two layers crossings are not counted (the count is quadratic); the sweeps'
/// last order stands.
const COUNTED_EDGES: usize = 4_000;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// The parents of each component (indices), base models before training data, each with whether it is
/// training data.
fn parents(components: &[ComponentReport]) -> Vec<Vec<(usize, bool)>> {
    let position: HashMap<&str, usize> = components
        .iter()
        .enumerate()
        .map(|(at, c)| (c.id.as_str(), at))
        .collect();
    components
        .iter()
        .map(|c| {
            c.base_model
                .iter()
                .map(|p| (p, false))
                .chain(c.trained_on.iter().map(|p| (p, true)))
                .filter_map(|(p, data)| position.get(p.as_str()).map(|&at| (at, data)))
                .collect()
        })
        .collect()
}

/// The layer of each component: 0 for anything with no parents, else one more than its deepest parent,
/// computed parents first in one walk (O(components + edges)); a parent on a cycle through it (which a
/// validated manifest cannot have) does not count.
fn layers(parents: &[Vec<(usize, bool)>]) -> Vec<usize> {
    let mut depth: Vec<Option<usize>> = vec![None; parents.len()];
    let of = |at: usize| -> Vec<usize> { parents[at].iter().map(|(p, _)| *p).collect() };
    for at in crate::graph::walk(parents.len(), of).parents_first {
        depth[at] = Some(
            parents[at]
                .iter()
                .filter_map(|&(p, _)| depth[p])
                .map(|d| d + 1)
                .max()
                .unwrap_or(0),
        );
    }
    let mut layer: Vec<usize> = depth.into_iter().map(|d| d.unwrap_or(0)).collect();
    // a source (training data, a root model) sits just before its nearest child rather than in the first
    // layer: edges stay short and a long lineage's datasets spread over its layers instead of one tall column
    let mut nearest_child: Vec<Option<usize>> = vec![None; parents.len()];
    for (child, list) in parents.iter().enumerate() {
        for &(parent, _) in list {
            let at = &mut nearest_child[parent];
            *at = Some(at.map_or(layer[child], |l| l.min(layer[child])));
        }
    }
    for (at, list) in parents.iter().enumerate() {
        if list.is_empty()
            && let Some(child) = nearest_child[at]
        {
            layer[at] = child.saturating_sub(1);
        }
    }
    layer
}

/// A node of the layered graph: a component, or a placeholder an edge passes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Node {
    Component(usize),
    Pass,
}

/// The layered graph: nodes per layer in their order, and edges between adjacent layers as (upper node,
/// lower node) indices into `nodes`.
struct Layered {
    nodes: Vec<Node>,
    layer_of: Vec<usize>,
    order: Vec<Vec<usize>>,
    /// Adjacent-layer edges: (node in layer l, node in layer l + 1).
    segments: Vec<(usize, usize)>,
    /// Each lineage edge as the chain of nodes it passes: parent, placeholders, child; and whether it is
    /// training data.
    routes: Vec<(Vec<usize>, bool)>,
}

fn build(components: &[ComponentReport]) -> Layered {
    let parents = parents(components);
    let layer = layers(&parents);
    let count = layer.iter().max().map_or(0, |m| m + 1);
    let mut nodes: Vec<Node> = (0..components.len()).map(Node::Component).collect();
    let mut layer_of = layer.clone();
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (at, &l) in layer.iter().enumerate() {
        order[l].push(at);
    }
    let mut segments = Vec::new();
    let mut routes = Vec::new();
    for (child, list) in parents.iter().enumerate() {
        for &(parent, data) in list {
            let (from, to) = (layer[parent], layer[child]);
            if from >= to {
                continue;
            }
            let mut route = vec![parent];
            for (between, members) in order.iter_mut().enumerate().take(to).skip(from + 1) {
                let node = nodes.len();
                nodes.push(Node::Pass);
                layer_of.push(between);
                members.push(node);
                route.push(node);
            }
            route.push(child);
            for pair in route.windows(2) {
                segments.push((pair[0], pair[1]));
            }
            routes.push((route, data));
        }
    }
    let mut layered = Layered {
        nodes,
        layer_of,
        order,
        segments,
        routes,
    };
    reduce_crossings(&mut layered);
    layered
}

/// Crossings between layer `l` and `l + 1` under `position` (each node's index in its layer).
fn crossings(between: &[(usize, usize)], position: &[usize]) -> usize {
    if between.len() > COUNTED_EDGES {
        return 0;
    }
    let mut count = 0;
    for (i, &(a1, b1)) in between.iter().enumerate() {
        for &(a2, b2) in &between[i + 1..] {
            let (pa1, pa2, pb1, pb2) = (position[a1], position[a2], position[b1], position[b2]);
            if (pa1 < pa2 && pb1 > pb2) || (pa1 > pa2 && pb1 < pb2) {
                count += 1;
            }
        }
    }
    count
}

fn total_crossings(layered: &Layered, position: &[usize]) -> usize {
    let mut by_layer: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layered.order.len()];
    for &(a, b) in &layered.segments {
        by_layer[layered.layer_of[a]].push((a, b));
    }
    by_layer.iter().map(|between| crossings(between, position)).sum()
}

fn positions(layered: &Layered) -> Vec<usize> {
    let mut position = vec![0; layered.nodes.len()];
    for layer in &layered.order {
        for (index, &node) in layer.iter().enumerate() {
            position[node] = index;
        }
    }
    position
}

/// The barycentre heuristic: sweep down ordering each layer by the mean position of its neighbours above,
/// then up by those below; keep the order with the fewest crossings. The sort is stable, so ties keep the
/// manifest's order and the layout is the same on every run.
fn reduce_crossings(layered: &mut Layered) {
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); layered.nodes.len()];
    let mut down: Vec<Vec<usize>> = vec![Vec::new(); layered.nodes.len()];
    for &(a, b) in &layered.segments {
        down[a].push(b);
        up[b].push(a);
    }
    let mut position = positions(layered);
    let mut best = (total_crossings(layered, &position), layered.order.clone());
    for sweep in 0..SWEEPS {
        let downward = sweep % 2 == 0;
        let layers: Vec<usize> = if downward {
            (1..layered.order.len()).collect()
        } else {
            (0..layered.order.len().saturating_sub(1)).rev().collect()
        };
        for l in layers {
            let neighbours = if downward { &up } else { &down };
            let mut keyed: Vec<(f64, usize)> = layered.order[l]
                .iter()
                .map(|&node| {
                    let list = &neighbours[node];
                    let key = if list.is_empty() {
                        position[node] as f64
                    } else {
                        list.iter().map(|&n| position[n] as f64).sum::<f64>() / list.len() as f64
                    };
                    (key, node)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
            layered.order[l] = keyed.into_iter().map(|(_, node)| node).collect();
            for (index, &node) in layered.order[l].iter().enumerate() {
                position[node] = index;
            }
        }
        let count = total_crossings(layered, &position);
        if count < best.0 {
            best = (count, layered.order.clone());
        }
        if best.0 == 0 {
            break;
        }
    }
    layered.order = best.1;
}

/// The worst severity of each component's findings, in one pass over them.
fn worst_by_component(audit: &Audit) -> HashMap<&str, Severity> {
    let mut worst: HashMap<&str, Severity> = HashMap::new();
    for finding in &audit.findings {
        if let Some(id) = finding.component.as_deref() {
            worst
                .entry(id)
                .and_modify(|w| *w = (*w).min(finding.severity))
                .or_insert(finding.severity);
        }
    }
    worst
}

/// What kind of terms a license expression carries, by its most restrictive leaf the knowledge base knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Terms {
    Permissive,
    Conditional,
    Restricted,
    Unknown,
}

impl Terms {
    fn of(license: Option<&str>) -> (Self, Vec<String>) {
        let kb = crate::license::KnowledgeBase::embedded();
        let Some(normalized) = license.and_then(|l| crate::license::normalize(l, kb).ok()) else {
            return (Self::Unknown, Vec::new());
        };
        let mut terms = Self::Permissive;
        let mut names = Vec::new();
        for leaf in crate::license::rules::leaves(&normalized.expression) {
            let Some(facts) = kb.by_id(&leaf) else {
                terms = Self::Unknown;
                names.push(leaf);
                continue;
            };
            names.push(facts.name.clone());
            let this = match facts.commercial {
                Commercial::Allowed if facts.thresholds.is_empty() && facts.use_policy.is_none() => {
                    Self::Permissive
                }
                Commercial::Allowed | Commercial::Conditional => Self::Conditional,
                Commercial::NonCommercial | Commercial::ResearchOnly => Self::Restricted,
            };
            terms = terms.max(this);
        }
        (terms, names)
    }

    fn band(self) -> (&'static str, &'static str) {
        match self {
            Self::Permissive => ("#2f855a", "permissive terms"),
            Self::Conditional => ("#2b6cb0", "terms with conditions"),
            Self::Restricted => ("#6b46c1", "non-commercial or research-only terms"),
            Self::Unknown => ("#8a94a3", "unknown or no license"),
        }
    }
}

/// Renders the graph; `None` when there are no components.
pub fn svg(audit: &Audit) -> Option<String> {
    let components = &audit.components;
    if components.is_empty() {
        return None;
    }
    let layered = build(components);
    let worst = worst_by_component(audit);
    // coordinates: layers are columns; within a layer nodes stack in their order, placeholders thin
    let mut at: Vec<(usize, usize)> = vec![(0, 0); layered.nodes.len()];
    let mut tallest = 0;
    for (l, layer) in layered.order.iter().enumerate() {
        let x = MARGIN + l * (WIDTH + COLUMN_GAP);
        let mut y = MARGIN;
        for &node in layer {
            at[node] = (x, y);
            y += match layered.nodes[node] {
                Node::Component(_) => HEIGHT + ROW_GAP,
                Node::Pass => PASS_HEIGHT + ROW_GAP / 2,
            };
        }
        tallest = tallest.max(y);
    }
    let columns = layered.order.len();
    // at least as wide as the legend
    let width = (MARGIN * 2 + columns * WIDTH + columns.saturating_sub(1) * COLUMN_GAP).max(560);
    let height = tallest + MARGIN + 62;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Lineage graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#5b6472\"/></marker></defs>\n"
    );
    let middle = |node: usize| -> (usize, usize, usize) {
        let (x, y) = at[node];
        match layered.nodes[node] {
            Node::Component(_) => (x, x + WIDTH, y + HEIGHT / 2),
            Node::Pass => (x, x + WIDTH, y + PASS_HEIGHT / 2),
        }
    };
    for (route, data) in &layered.routes {
        let (Some(&first), Some(&last)) = (route.first(), route.last()) else {
            continue;
        };
        let (_, sx, sy) = middle(first);
        let mut d = format!("M{sx},{sy}");
        let mut from = (sx, sy);
        for &node in &route[1..] {
            let (left, right, y) = middle(node);
            let mid = (from.0 + left) / 2;
            let _ = write!(d, " C{mid},{} {mid},{y} {left},{y}", from.1);
            if node != last {
                // through the placeholder's layer in a straight line
                let _ = write!(d, " L{right},{y}");
            }
            from = (right, y);
        }
        let (Node::Component(child), Node::Component(parent)) = (layered.nodes[last], layered.nodes[first])
        else {
            continue;
        };
        let _ = writeln!(
            svg,
            "<path d=\"{d}\" fill=\"none\" stroke=\"#5b6472\" stroke-width=\"1.4\"{} marker-end=\"url(#arrow)\"><title>{} {} {}</title></path>",
            if *data { " stroke-dasharray=\"5 4\"" } else { "" },
            escape(&components[child].id),
            if *data { "was trained on" } else { "derives from" },
            escape(&components[parent].id)
        );
    }
    for (node, kind) in layered.nodes.iter().enumerate() {
        let Node::Component(index) = *kind else {
            continue;
        };
        let component = &components[index];
        let (x, y) = at[node];
        let verdict = component.license_verdict.map(|v| match v {
            LicenseVerdict::Deny => Severity::Error,
            LicenseVerdict::NeedsReview => Severity::Warning,
            LicenseVerdict::Allow | LicenseVerdict::AllowWithObligations => Severity::Note,
        });
        let severity = [worst.get(component.id.as_str()).copied(), verdict]
            .into_iter()
            .flatten()
            .min();
        let (fill, stroke) = match severity {
            Some(Severity::Error) => ("#fde8e8", "#c0392b"),
            Some(Severity::Warning) => ("#fff4de", "#b7791f"),
            _ => ("#e8f6ee", "#2f855a"),
        };
        let (terms, names) = Terms::of(component.license.as_deref());
        let (band, terms_text) = terms.band();
        let radius = if component.kind == ComponentKind::Model {
            8
        } else {
            2
        };
        let dash = if component.kind == ComponentKind::Dataset {
            " stroke-dasharray=\"3 2\""
        } else {
            ""
        };
        let license_text = if names.is_empty() {
            component
                .license
                .clone()
                .unwrap_or_else(|| "no license".to_string())
        } else {
            names.join(" / ")
        };
        let hover = format!(
            "{} ({}{})\nlicense: {} ({terms_text}){}\nfindings: {}",
            component.id,
            component.kind.as_str(),
            if component.name != component.id {
                format!(", {}", component.name)
            } else {
                String::new()
            },
            component.license.as_deref().unwrap_or("none"),
            component
                .license_verdict
                .map(|v| format!(", verdict {}", v.as_str()))
                .unwrap_or_default(),
            match worst.get(component.id.as_str()) {
                Some(Severity::Error) => "errors",
                Some(Severity::Warning) => "warnings",
                Some(Severity::Note) => "notes only",
                None => "none",
            }
        );
        let _ = writeln!(
            svg,
            "<g><title>{}</title><rect x=\"{x}\" y=\"{y}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.6\"{dash}/>\
<rect x=\"{}\" y=\"{}\" width=\"{BAND}\" height=\"{}\" fill=\"{band}\"/>\
<text x=\"{}\" y=\"{}\" font-weight=\"600\">{}</text><text x=\"{}\" y=\"{}\" fill=\"#4a5160\">{} · {}</text></g>",
            escape(&hover),
            x + 1,
            y + 1,
            HEIGHT - 2,
            x + BAND + 8,
            y + 19,
            escape(&truncate(&component.id, 32)),
            x + BAND + 8,
            y + 36,
            component.kind.as_str(),
            escape(&truncate(&license_text, 26))
        );
    }
    let legend_y = height - 48;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{legend_y}\" fill=\"#4a5160\">solid: derives from · dashed: trained on · hover a node for its full name and license</text>\n\
<text x=\"{MARGIN}\" y=\"{}\" fill=\"#4a5160\">fill: red errors or denied · amber warnings or needs review · green neither</text>\n\
<text x=\"{MARGIN}\" y=\"{}\" fill=\"#4a5160\">left band: <tspan fill=\"#2f855a\">■</tspan> permissive <tspan fill=\"#2b6cb0\">■</tspan> conditions <tspan fill=\"#6b46c1\">■</tspan> non-commercial or research-only <tspan fill=\"#8a94a3\">■</tspan> unknown</text>\n</svg>",
        legend_y + 17,
        legend_y + 34
    );
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two layers whose manifest order crosses every edge: the sweeps untangle them.
    #[test]
    fn barycentre_sweeps_remove_avoidable_crossings() {
        // parents a, b, c; children of c, b, a in that order: three edges, three crossings as given
        let mut layered = Layered {
            nodes: (0..6).map(Node::Component).collect(),
            layer_of: vec![0, 0, 0, 1, 1, 1],
            order: vec![vec![0, 1, 2], vec![3, 4, 5]],
            segments: vec![(2, 3), (1, 4), (0, 5)],
            routes: Vec::new(),
        };
        assert_eq!(total_crossings(&layered, &positions(&layered)), 3);
        reduce_crossings(&mut layered);
        assert_eq!(total_crossings(&layered, &positions(&layered)), 0);
    }
}
