#pragma once
/// Keeps the first columns of a grid in sight while the others scroll sideways: a second view
/// over the same model and selection, laid over the grid's left edge (Qt's "frozen column"
/// example). The key columns of a keyed table stay put, as in q's own display. GUI thread only.

#include <QObject>

class QItemSelectionModel;
class QTableView;

namespace qscope {

class FrozenColumns : public QObject
{
    Q_OBJECT
public:
    /// Watches `grid` (its model must be set); the overlay is a child of the grid.
    explicit FrozenColumns(QTableView *grid);

    /// Freezes the first `count` columns (0: none, the overlay hides).
    void setCount(int count);
    int count() const { return m_count; }
    /// The overlay: its cells, header clicks and double-clicks are the grid's.
    QTableView *view() const { return m_frozen; }

private:
    bool eventFilter(QObject *watched, QEvent *event) override;
    void applyColumns();
    /// Gives the overlay the grid's model and selection (true) or no model (false).
    void attach(bool on);
    void updateGeometry();

    QTableView *m_grid = nullptr;
    QTableView *m_frozen = nullptr;
    int m_count = 0;
    bool m_attached = false;
    QItemSelectionModel *m_headerSelection = nullptr; ///< the overlay header's, always empty
};

} // namespace qscope
