#pragma once
/// Keeps the first columns of a grid in sight while the others scroll sideways: a second
/// GridView over the same model and selection, laid over the grid's left edge, showing only
/// those columns and following the grid's rows (Qt's "frozen column" example; a GridView keeps
/// nothing per row, so the overlay costs no more than its columns). The key columns of a keyed
/// table stay put, as in q's own display. GUI thread only.

#include <QObject>

namespace qscope {

class GridView;

class FrozenColumns : public QObject
{
    Q_OBJECT
public:
    /// Watches `grid` (its model must be set); the overlay is a child of the grid.
    explicit FrozenColumns(GridView *grid);

    /// Freezes the first `count` columns (0: none, the overlay hides).
    void setCount(int count);
    int count() const { return m_count; }
    /// The overlay: its cells, header clicks and double-clicks are the grid's.
    GridView *view() const { return m_frozen; }

private:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void applyColumns();
    /// Gives the overlay the grid's model and selection (true) or no model (false).
    void attach(bool on);
    void updateGeometry();

    GridView *m_grid = nullptr;
    GridView *m_frozen = nullptr;
    int m_count = 0;
    bool m_attached = false;
};

} // namespace qscope
