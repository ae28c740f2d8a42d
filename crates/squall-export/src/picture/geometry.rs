//! Plane geometry of the picture: where stickies are, where arrows meet
//! them (as the board draws them, ui/src/board/geometry.ts), how far the
//! board reaches.

use squall_model::{Element, Group, Point};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    /// Where a sticky is drawn: a size of zero means its kind's default, as on the board.
    pub fn of_element(element: &Element) -> Rect {
        let size = if element.size.width > 0.0 && element.size.height > 0.0 {
            element.size
        } else {
            element.kind.default_size()
        };
        Rect { x: element.position.x, y: element.position.y, width: size.width, height: size.height }
    }

    pub fn of_group(group: &Group) -> Rect {
        Rect {
            x: group.position.x,
            y: group.position.y,
            width: group.size.width.max(0.0),
            height: group.size.height.max(0.0),
        }
    }

    pub fn centre(self) -> Point {
        Point { x: self.x + self.width / 2.0, y: self.y + self.height / 2.0 }
    }

    pub fn right(self) -> f64 {
        self.x + self.width
    }

    pub fn bottom(self) -> f64 {
        self.y + self.height
    }

    /// Where the line from the centre towards `towards` leaves the rectangle:
    /// arrows start and end on a sticky's border, not its centre.
    pub fn border_point(self, towards: Point) -> Point {
        let c = self.centre();
        let (dx, dy) = (towards.x - c.x, towards.y - c.y);
        if dx == 0.0 && dy == 0.0 {
            return c;
        }
        let tx = if dx == 0.0 { f64::INFINITY } else { self.width / 2.0 / dx.abs() };
        let ty = if dy == 0.0 { f64::INFINITY } else { self.height / 2.0 / dy.abs() };
        let t = tx.min(ty);
        Point { x: c.x + dx * t, y: c.y + dy * t }
    }

    /// The smallest rectangle holding both.
    pub fn union(self, other: Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect {
            x,
            y,
            width: self.right().max(other.right()) - x,
            height: self.bottom().max(other.bottom()) - y,
        }
    }
}

/// The two ends of an arrow between two stickies.
pub fn arrow_ends(from: Rect, to: Rect) -> (Point, Point) {
    (from.border_point(to.centre()), to.border_point(from.centre()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: Rect = Rect { x: 0.0, y: 0.0, width: 100.0, height: 50.0 };

    #[test]
    fn an_arrow_leaves_through_the_side_facing_its_target() {
        assert_eq!(BOX.border_point(Point { x: 500.0, y: 25.0 }), Point { x: 100.0, y: 25.0 });
        assert_eq!(BOX.border_point(Point { x: 50.0, y: -300.0 }), Point { x: 50.0, y: 0.0 });
    }

    #[test]
    fn arrows_run_between_borders() {
        let right = Rect { x: 200.0, ..BOX };
        assert_eq!(arrow_ends(BOX, right), (Point { x: 100.0, y: 25.0 }, Point { x: 200.0, y: 25.0 }));
    }

    #[test]
    fn the_union_holds_both() {
        let other = Rect { x: -10.0, y: 20.0, width: 30.0, height: 100.0 };
        assert_eq!(BOX.union(other), Rect { x: -10.0, y: 0.0, width: 110.0, height: 120.0 });
    }
}
