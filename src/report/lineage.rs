//! The lineage graph as an inline SVG: models and datasets as nodes in columns by depth (training data and
//! base models to the left of what derives from them), base-model edges solid and trained-on edges dashed,
//! each node coloured by its worst finding. No scripts, fonts or external references.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use super::{Audit, ComponentReport};
use crate::bom::ComponentKind;
use crate::findings::Severity;

const WIDTH: usize = 210;
const HEIGHT: usize = 46;
const COLUMN_GAP: usize = 90;
const ROW_GAP: usize = 18;
const MARGIN: usize = 16;

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Depth of each component: 0 for anything with no parents, else one more than its deepest parent, computed
/// parents first in one walk (O(components + edges)); a parent on a cycle through it (which a validated
/// manifest cannot have) does not count.
fn depths(components: &[ComponentReport]) -> BTreeMap<&str, usize> {
    let position: HashMap<&str, usize> = components
        .iter()
        .enumerate()
        .map(|(at, c)| (c.id.as_str(), at))
        .collect();
    let parents = |at: usize| -> Vec<usize> {
        let c = &components[at];
        c.base_model
            .iter()
            .chain(&c.trained_on)
            .filter_map(|p| position.get(p.as_str()).copied())
            .collect()
    };
    let mut depth: Vec<Option<usize>> = vec![None; components.len()];
    for at in crate::graph::walk(components.len(), parents).parents_first {
        depth[at] = Some(
            parents(at)
                .iter()
                .filter_map(|&p| depth[p])
                .map(|d| d + 1)
                .max()
                .unwrap_or(0),
        );
    }
    components
        .iter()
        .zip(depth)
        .map(|(c, d)| (c.id.as_str(), d.unwrap_or(0)))
        .collect()
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

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max - 1).collect::<String>())
    }
}

/// Renders the graph; `None` when there are no components.
pub fn svg(audit: &Audit) -> Option<String> {
    if audit.components.is_empty() {
        return None;
    }
    let depth = depths(&audit.components);
    let worst = worst_by_component(audit);
    let mut columns: BTreeMap<usize, Vec<&ComponentReport>> = BTreeMap::new();
    for component in &audit.components {
        columns
            .entry(depth[component.id.as_str()])
            .or_default()
            .push(component);
    }
    let mut position: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (column, members) in &columns {
        for (row, component) in members.iter().enumerate() {
            position.insert(
                &component.id,
                (
                    MARGIN + column * (WIDTH + COLUMN_GAP),
                    MARGIN + row * (HEIGHT + ROW_GAP),
                ),
            );
        }
    }
    let rows = columns.values().map(Vec::len).max().unwrap_or(1);
    // at least as wide as the legend
    let width = (MARGIN * 2 + columns.len() * WIDTH + (columns.len() - 1) * COLUMN_GAP).max(560);
    let height = MARGIN * 2 + rows * HEIGHT + (rows - 1) * ROW_GAP + 28;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Lineage graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#5b6472\"/></marker></defs>\n"
    );
    for component in &audit.components {
        let (x2, y2) = position[component.id.as_str()];
        let edges = component
            .base_model
            .iter()
            .map(|p| (p, false))
            .chain(component.trained_on.iter().map(|p| (p, true)));
        for (parent, dashed) in edges {
            let Some(&(x1, y1)) = position.get(parent.as_str()) else {
                continue;
            };
            let (sx, sy, ex, ey) = (x1 + WIDTH, y1 + HEIGHT / 2, x2, y2 + HEIGHT / 2);
            let mid = (sx + ex) / 2;
            let _ = writeln!(
                svg,
                "<path d=\"M{sx},{sy} C{mid},{sy} {mid},{ey} {ex},{ey}\" fill=\"none\" stroke=\"#5b6472\" stroke-width=\"1.4\"{} marker-end=\"url(#arrow)\"><title>{} {} {}</title></path>",
                if dashed { " stroke-dasharray=\"5 4\"" } else { "" },
                escape(&component.id),
                if dashed { "was trained on" } else { "derives from" },
                escape(parent)
            );
        }
    }
    for component in &audit.components {
        let (x, y) = position[component.id.as_str()];
        let (fill, stroke) = match worst.get(component.id.as_str()).copied() {
            Some(Severity::Error) => ("#fde8e8", "#c0392b"),
            Some(Severity::Warning) => ("#fff4de", "#b7791f"),
            _ => ("#e8f6ee", "#2f855a"),
        };
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
        let _ = writeln!(
            svg,
            "<g><title>{} ({}): {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{WIDTH}\" height=\"{HEIGHT}\" rx=\"{radius}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.6\"{dash}/>\
<text x=\"{}\" y=\"{}\" font-weight=\"600\">{}</text><text x=\"{}\" y=\"{}\" fill=\"#4a5160\">{} · {}</text></g>",
            escape(&component.id),
            component.kind.as_str(),
            escape(&component.name),
            x + 10,
            y + 19,
            escape(&truncate(&component.id, 28)),
            x + 10,
            y + 36,
            component.kind.as_str(),
            escape(&truncate(
                component.license.as_deref().unwrap_or("no license"),
                22
            ))
        );
    }
    let legend_y = height - 12;
    let _ = writeln!(
        svg,
        "<text x=\"{MARGIN}\" y=\"{legend_y}\" fill=\"#4a5160\">solid: derives from · dashed: trained on · green: no finding · amber: warnings · red: errors</text>\n</svg>"
    );
    Some(svg)
}
