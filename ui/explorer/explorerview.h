#pragma once
/// The explorer dock: the lazily-fetched server tree, a source pane for the selected function
/// (highlighted with the q lexer), double-click to preview a table (bounded) or to call a
/// function through the call form; names drag into the editor and copy from the context menu.

#include "protocol/value.h"

#include <QPersistentModelIndex>
#include <QWidget>

class QsciScintilla;
class QTreeView;

namespace qscope {

class ExplorerModel;
class ServerSessions;

class ExplorerView : public QWidget
{
    Q_OBJECT
public:
    explicit ExplorerView(ServerSessions *sessions, QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    ExplorerModel *model() const { return m_model; }
    QTreeView *tree() const { return m_tree; }
    /// Opens the call form for a function node (after its source arrived).
    void callFunction(const QModelIndex &function);
    /// Puts the node's qualified name on the clipboard ("Copy name" in the context menu).
    void copyName(const QModelIndex &index);
    /// The read-only, q-highlighted source of the selected function.
    QsciScintilla *sourceView() const { return m_source; }

Q_SIGNALS:
    /// Run this on the profile and show the result (table preview, function call).
    void runQuery(const QString &profileId, const QByteArray &query);
    void runCall(const QString &profileId, const qscope::Value &message,
                 const QByteArray &description);
    void message(int level, const QString &text);

private:
    /// Fetches what an expanded node still lacks (asked for while the view was hidden).
    void fetchExpanded(const QModelIndex &parent);
    void showSource(const QString &source);

    ServerSessions *m_sessions;
    ExplorerModel *m_model;
    QTreeView *m_tree;
    QsciScintilla *m_source;
    QPersistentModelIndex m_callPending;
};

} // namespace qscope
