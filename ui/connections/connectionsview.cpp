#include "connections/connectionsview.h"

#include "app/confirm.h"
#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/serverlistimporter.h"
#include "connections/serversessions.h"

#include <QAction>
#include <QFileDialog>
#include <QHeaderView>
#include <QInputDialog>
#include <QMenu>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

namespace qscope {

ConnectionsView::ConnectionsView(ServerSessions *sessions, QWidget *parent)
    : QWidget(parent), m_sessions(sessions)
{
    m_model = new ConnectionModel(sessions->store(), sessions, this);
    m_tree = new QTreeView(this);
    m_tree->setModel(m_model);
    m_tree->setHeaderHidden(true);
    m_tree->setDragDropMode(QAbstractItemView::DragDrop);
    m_tree->setDefaultDropAction(Qt::MoveAction);
    m_tree->setDragEnabled(true);
    m_tree->setAcceptDrops(true);
    m_tree->setDropIndicatorShown(true);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setExpandsOnDoubleClick(true);
    m_tree->setUniformRowHeights(true);

    const auto make = [this](const QString &text, const QString &tip) {
        auto *a = new QAction(text, this);
        a->setToolTip(tip);
        return a;
    };
    m_connect = make(tr("Connect"), tr("Open the connection"));
    m_disconnect = make(tr("Disconnect"), tr("Close the connection"));
    m_newTab = make(tr("New query tab"), tr("Open an editor tab bound to this server"));
    m_add = make(tr("Add…"), tr("Add a connection"));
    m_edit = make(tr("Edit…"), tr("Edit the connection"));
    m_duplicate = make(tr("Duplicate"), tr("Copy the connection (without its password)"));
    m_delete = make(tr("Delete…"), tr("Delete the connection"));
    m_newFolder = make(tr("New folder…"), tr("Add a folder"));
    m_import = make(tr("Import…"),
                    tr("Import connections: qscope JSON, Studio for kdb+ studio.properties, "
                       "qStudio connections (its prefs.xml or serverlist XML), host:port lists"));
    m_export = make(tr("Export…"), tr("Export connections as JSON (passwords are left out)"));
    m_add->setIcon(style()->standardIcon(QStyle::SP_FileDialogNewFolder));

    auto *toolbar = new QToolBar(this);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_add);
    toolbar->addAction(m_connect);
    toolbar->addAction(m_newTab);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(toolbar);
    layout->addWidget(m_tree);

    connect(m_connect, &QAction::triggered, this,
            [this] { m_sessions->connectProfile(currentProfile()); });
    connect(m_disconnect, &QAction::triggered, this,
            [this] { m_sessions->disconnectProfile(currentProfile()); });
    connect(m_newTab, &QAction::triggered, this, [this] { Q_EMIT openQueryTab(currentProfile()); });
    connect(m_add, &QAction::triggered, this, [this] { addConnection(); });
    connect(m_edit, &QAction::triggered, this, [this] { editConnection(currentProfile()); });
    connect(m_duplicate, &QAction::triggered, this,
            [this] { duplicateConnection(currentProfile()); });
    connect(m_delete, &QAction::triggered, this, [this] { deleteConnection(currentProfile()); });
    connect(m_newFolder, &QAction::triggered, this, [this] {
        bool ok = false;
        const QString parentFolder = currentFolder();
        const QString name = QInputDialog::getText(
            this, tr("New folder"),
            parentFolder.isEmpty() ? tr("Folder name")
                                   : tr("Folder name (inside %1)").arg(parentFolder),
            QLineEdit::Normal, QString(), &ok);
        if (ok && !name.trimmed().isEmpty())
            m_sessions->store()->addFolder(
                parentFolder.isEmpty() ? name : parentFolder + QLatin1Char('/') + name);
    });
    connect(m_import, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Import connections"), QString(),
            tr("Server lists (*.json *.properties *.xml *.csv *.txt *.cfg);;All files (*)"));
        if (!path.isEmpty()) importFile(path);
    });
    connect(m_export, &QAction::triggered, this, [this] {
        const QString path =
            QFileDialog::getSaveFileName(this, tr("Export connections"),
                                         QStringLiteral("connections.json"), tr("JSON (*.json)"));
        if (!path.isEmpty()) exportFile(path);
    });
    connect(m_tree, &QTreeView::customContextMenuRequested, this, &ConnectionsView::showMenu);
    connect(m_tree, &QTreeView::doubleClicked, this, [this](const QModelIndex &i) {
        const QString id = i.data(ConnectionModel::ProfileIdRole).toString();
        if (id.isEmpty()) return;
        m_sessions->connectProfile(id);
        Q_EMIT openQueryTab(id);
    });
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateActions();
        Q_EMIT currentProfileChanged(currentProfile());
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandAll();
        updateActions();
    });
    connect(m_sessions, &ServerSessions::stateChanged, this, [this] { updateActions(); });
    m_tree->expandAll();
    updateActions();
}

QString ConnectionsView::currentProfile() const
{
    return m_tree->currentIndex().data(ConnectionModel::ProfileIdRole).toString();
}

QString ConnectionsView::currentFolder() const
{
    const QModelIndex i = m_tree->currentIndex();
    return i.data(ConnectionModel::FolderPathRole).toString();
}

void ConnectionsView::selectProfile(const QString &profileId)
{
    const QModelIndex i = m_model->indexOfProfile(profileId);
    if (i.isValid()) m_tree->setCurrentIndex(i);
}

void ConnectionsView::updateActions()
{
    const QString id = currentProfile();
    const bool has = !id.isEmpty();
    const ConnectionState s = m_sessions->state(id);
    const bool live = s == ConnectionState::Open || s == ConnectionState::Connecting ||
                      s == ConnectionState::Reconnecting;
    m_connect->setEnabled(has && !live);
    m_disconnect->setEnabled(has && live);
    m_newTab->setEnabled(has);
    m_edit->setEnabled(has);
    m_duplicate->setEnabled(has);
    m_delete->setEnabled(has);
}

void ConnectionsView::showMenu(const QPoint &pos)
{
    QMenu menu(this);
    if (!currentProfile().isEmpty() && m_tree->indexAt(pos).isValid()) {
        menu.addAction(m_connect);
        menu.addAction(m_disconnect);
        menu.addAction(m_newTab);
        menu.addSeparator();
        menu.addAction(m_edit);
        menu.addAction(m_duplicate);
        menu.addAction(m_delete);
        menu.addSeparator();
    }
    menu.addAction(m_add);
    menu.addAction(m_newFolder);
    const QString folder =
        m_tree->indexAt(pos).data(ConnectionModel::IsFolderRole).toBool()
            ? m_tree->indexAt(pos).data(ConnectionModel::FolderPathRole).toString()
            : QString();
    if (!folder.isEmpty()) {
        menu.addAction(tr("Remove folder (keep its connections)"), this,
                       [this, folder] { m_sessions->store()->removeFolder(folder); });
    }
    menu.addSeparator();
    menu.addAction(m_import);
    menu.addAction(m_export);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
}

void ConnectionsView::applyPassword(const QString &profileId, const QString &password, bool save)
{
    if (save)
        m_sessions->passwords()->store(profileId, password);
    else
        m_sessions->passwords()->rememberForSession(profileId, password);
}

QString ConnectionsView::addConnection()
{
    ConnectionProfile fresh;
    fresh.folder = currentFolder();
    const QString note = m_sessions->passwords()->keychainAvailable()
                             ? QString()
                             : m_sessions->passwords()->unavailableReason();
    ConnectionDialog dialog(fresh, m_sessions->store()->folders(), note, this);
    if (dialog.exec() != QDialog::Accepted) return {};
    const QString id = m_sessions->store()->add(dialog.profile());
    if (!dialog.password().isEmpty()) applyPassword(id, dialog.password(), dialog.savePassword());
    selectProfile(id);
    return id;
}

void ConnectionsView::editConnection(const QString &profileId)
{
    const ConnectionProfile *p = m_sessions->store()->profile(profileId);
    if (!p) return;
    const QString note = m_sessions->passwords()->keychainAvailable()
                             ? QString()
                             : m_sessions->passwords()->unavailableReason();
    ConnectionDialog dialog(*p, m_sessions->store()->folders(), note, this);
    if (dialog.exec() != QDialog::Accepted) return;
    m_sessions->store()->update(dialog.profile());
    if (dialog.passwordEdited()) applyPassword(profileId, dialog.password(), dialog.savePassword());
    if (m_sessions->state(profileId) == ConnectionState::Open)
        Q_EMIT message(0, tr("Saved. The open connection keeps its old settings until you "
                             "reconnect."));
}

QString ConnectionsView::duplicateConnection(const QString &profileId)
{
    const QString id = m_sessions->store()->duplicate(profileId);
    if (!id.isEmpty()) selectProfile(id);
    return id;
}

bool ConnectionsView::deleteConnection(const QString &profileId)
{
    const ConnectionProfile *p = m_sessions->store()->profile(profileId);
    if (!p) return false;
    const bool open = m_sessions->state(profileId) == ConnectionState::Open;
    if (!Confirm::ask(this, tr("Delete connection"),
                      tr("Delete the connection \"%1\" (%2)%3? Its saved password is removed from "
                         "the keychain too.")
                          .arg(p->name, p->addressText(),
                               open ? tr(", which is open now and will be closed") : QString()),
                      tr("Delete")))
        return false;
    return m_sessions->store()->remove(profileId);
}

QString ConnectionsView::importFile(const QString &path)
{
    const ServerListImport result = ServerListImporter::importFile(path);
    if (!result.ok()) {
        Q_EMIT message(2, tr("Import failed: %1").arg(result.error));
        return result.error;
    }
    int passwords = 0;
    for (const auto &p : result.profiles) {
        const QString id = m_sessions->store()->add(p);
        if (const auto it = result.passwords.constFind(p.id); it != result.passwords.constEnd()) {
            m_sessions->passwords()->store(id, *it);
            ++passwords;
        }
    }
    QString summary = tr("Imported %n connection(s) from %1", nullptr, int(result.profiles.size()))
                          .arg(result.format);
    if (passwords)
        summary += tr("; %n password(s) went to the keychain (or this session only if none runs)",
                      nullptr, passwords);
    if (!result.warnings.isEmpty())
        summary += tr("; %n skipped: %1", nullptr, int(result.warnings.size()))
                       .arg(result.warnings.join(QStringLiteral("; ")));
    Q_EMIT message(result.warnings.isEmpty() ? 0 : 1, summary);
    return summary;
}

QString ConnectionsView::exportFile(const QString &path)
{
    const QString err = m_sessions->store()->exportTo(path);
    Q_EMIT message(err.isEmpty() ? 0 : 2,
                   err.isEmpty() ? tr("Exported %n connection(s) to %1 (without passwords)",
                                      nullptr, int(m_sessions->store()->profiles().size()))
                                       .arg(path)
                                 : err);
    return err;
}

} // namespace qscope
