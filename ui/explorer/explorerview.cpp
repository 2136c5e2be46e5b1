#include "explorer/explorerview.h"

#include "editor/qlexer.h"
#include "editor/qsci.h"
#include "explorer/callformdialog.h"
#include "explorer/explorermodel.h"
#include "monitor/viewhandle.h"

#include <QClipboard>
#include <QGuiApplication>
#include <QMenu>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

namespace qscope {

ExplorerView::ExplorerView(ServerSessions *sessions, QWidget *parent)
    : QWidget(parent), m_sessions(sessions)
{
    m_model = new ExplorerModel(sessions, this);
    m_tree = new QTreeView(this);
    m_tree->setModel(m_model);
    m_tree->setHeaderHidden(true);
    m_tree->setUniformRowHeights(true);
    m_tree->setExpandsOnDoubleClick(false);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setDragEnabled(true); // names drop into the editor as text
    m_tree->setDragDropMode(QAbstractItemView::DragOnly);
    m_source = new QsciScintilla(this);
    m_source->setLexer(new QLexer(m_source)); // one lexer per editor (see QLexer)
    m_source->setReadOnly(true);
    m_source->setWrapMode(QsciScintilla::WrapWord);
    m_source->setMarginWidth(1, 0);
    m_source->setToolTip(tr("Source of the selected function"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_tree);
    split->addWidget(m_source);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(split);

    // The explorer fetches on demand, and only while it can be seen.
    auto *watch = new VisibilityWatch(this);
    m_model->setActive(false);
    connect(watch, &VisibilityWatch::changed, this, [this](bool visible) {
        m_model->setActive(visible);
        if (!visible) return;
        fetchExpanded(QModelIndex());
        const QModelIndex current = m_tree->currentIndex();
        if (current.data(ExplorerModel::KindRole).toInt() == ExplorerModel::Function &&
            m_source->text().isEmpty())
            m_model->fetchSource(current);
    });

    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &i) {
                showSource(QString());
                if (i.data(ExplorerModel::KindRole).toInt() == ExplorerModel::Function)
                    m_model->fetchSource(i);
            });
    connect(m_model, &ExplorerModel::sourceReady, this,
            [this](const QModelIndex &i, const QString &source) {
                if (i == m_tree->currentIndex()) showSource(source);
                if (m_callPending.isValid() && QModelIndex(m_callPending) == i) {
                    m_callPending = QPersistentModelIndex();
                    callFunction(i);
                }
            });
    connect(m_model, &ExplorerModel::fetchFailed, this,
            [this](const QString &, const QString &what, const QString &error) {
                Q_EMIT message(1, tr("Explorer could not list %1: %2").arg(what, error));
            });
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex &i) {
        const int kind = i.data(ExplorerModel::KindRole).toInt();
        const QString profile = i.data(ExplorerModel::ProfileRole).toString();
        const QString name = i.data(ExplorerModel::QualifiedNameRole).toString();
        if (kind == ExplorerModel::Table)
            Q_EMIT runQuery(profile, ExplorerModel::previewQuery(name));
        else if (kind == ExplorerModel::Variable || kind == ExplorerModel::View)
            Q_EMIT runQuery(profile, ExplorerModel::valueQuery(name));
        else if (kind == ExplorerModel::Function)
            callFunction(i);
        else if (kind == ExplorerModel::Message)
            m_model->refresh(i); // ask again
        else
            m_tree->setExpanded(i, !m_tree->isExpanded(i));
    });
    connect(m_tree, &QTreeView::customContextMenuRequested, this, [this](const QPoint &pos) {
        const QModelIndex i = m_tree->indexAt(pos);
        if (!i.isValid()) return;
        QMenu menu(this);
        menu.addAction(tr("Refresh"), this, [this, i] { m_model->refresh(i); });
        if (m_model->flags(i) & Qt::ItemIsDragEnabled)
            menu.addAction(tr("Copy name"), this, [this, i] { copyName(i); });
        if (i.data(ExplorerModel::KindRole).toInt() == ExplorerModel::Table) {
            const QString profile = i.data(ExplorerModel::ProfileRole).toString();
            const QString name = i.data(ExplorerModel::QualifiedNameRole).toString();
            menu.addAction(tr("Preview first 100 rows"), this, [this, profile, name] {
                Q_EMIT runQuery(profile, ExplorerModel::previewQuery(name));
            });
            menu.addAction(tr("Show meta"), this, [this, profile, name] {
                Q_EMIT runQuery(profile, QStringLiteral("meta %1").arg(name).toUtf8());
            });
        }
        menu.exec(m_tree->viewport()->mapToGlobal(pos));
    });
}

void ExplorerView::callFunction(const QModelIndex &function)
{
    const QString source = function.data(ExplorerModel::SourceRole).toString();
    if (source.isEmpty()) {
        m_callPending = function; // the form opens once the source (and so the params) arrived
        m_model->fetchSource(function);
        return;
    }
    const QString profile = function.data(ExplorerModel::ProfileRole).toString();
    const QString name = function.data(ExplorerModel::QualifiedNameRole).toString();
    auto *dialog = new CallFormDialog(name, source, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog, profile] {
        Q_EMIT runCall(profile, dialog->message(), dialog->description());
    });
    dialog->open();
}

void ExplorerView::copyName(const QModelIndex &index)
{
    const QString name = index.data(ExplorerModel::QualifiedNameRole).toString();
    if (name.isEmpty()) return;
    QGuiApplication::clipboard()->setText(name);
    Q_EMIT message(0, tr("Copied %1").arg(name));
}

void ExplorerView::showSource(const QString &source)
{
    // read-only also refuses programmatic edits in Scintilla: lift it for the replacement
    m_source->setReadOnly(false);
    m_source->setText(source);
    m_source->setReadOnly(true);
}

void ExplorerView::fetchExpanded(const QModelIndex &parent)
{
    for (int row = 0; row < m_model->rowCount(parent); ++row) {
        const QModelIndex i = m_model->index(row, 0, parent);
        if (!m_tree->isExpanded(i)) continue;
        if (m_model->canFetchMore(i)) m_model->fetchMore(i);
        fetchExpanded(i);
    }
}

} // namespace qscope
