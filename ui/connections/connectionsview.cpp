#include "connections/connectionsview.h"

#include "app/confirm.h"
#include "connections/connectiondialog.h"
#include "connections/connectionmodel.h"
#include "connections/connectionstore.h"
#include "connections/passwordstore.h"
#include "connections/reimportdialog.h"
#include "connections/serverlistimporter.h"
#include "connections/serversessions.h"

#include <QAction>
#include <QFileDialog>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QInputDialog>
#include <QLineEdit>
#include <QMenu>
#include <QPromise>
#include <QThreadPool>
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
    m_tree->setSelectionMode(QAbstractItemView::ExtendedSelection);

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
    m_delete = make(tr("Delete…"),
                    tr("Delete the selected connections (and selected folders with theirs)"));
    m_delete->setShortcut(QKeySequence::Delete);
    m_delete->setShortcutContext(Qt::WidgetShortcut);
    m_tree->addAction(m_delete);
    m_newFolder = make(tr("New folder…"), tr("Add a folder"));
    m_import =
        make(tr("Import…"),
             tr("Import connections: qscope JSON, Studio for kdb+ studio.properties, "
                "qStudio connections (its prefs.xml or serverlist XML), host:port and CSV lists"));
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
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search name, host, folder, tag"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Shows the connections whose name, host, folder or tag contains "
                            "the text, with their folders"));
    layout->addWidget(toolbar);
    layout->addWidget(m_search);
    layout->addWidget(m_tree);
    connect(m_search, &QLineEdit::textChanged, this, &ConnectionsView::applySearch);

    connect(m_connect, &QAction::triggered, this,
            [this] { m_sessions->connectProfile(currentProfile()); });
    connect(m_disconnect, &QAction::triggered, this,
            [this] { m_sessions->disconnectProfile(currentProfile()); });
    connect(m_newTab, &QAction::triggered, this, [this] { Q_EMIT openQueryTab(currentProfile()); });
    connect(m_add, &QAction::triggered, this, [this] { addConnection(); });
    connect(m_edit, &QAction::triggered, this, [this] { editConnection(currentProfile()); });
    connect(m_duplicate, &QAction::triggered, this,
            [this] { duplicateConnection(currentProfile()); });
    connect(m_delete, &QAction::triggered, this, [this] { deleteSelection(); });
    connect(m_newFolder, &QAction::triggered, this, [this] {
        bool ok = false;
        // from the context menu: where it was opened; else (the menu's keyboard) the current row
        const QString parentFolder = m_menuFolder.isNull() ? currentFolder() : m_menuFolder;
        const QString name = QInputDialog::getText(
            this, tr("New folder"),
            parentFolder.isEmpty() ? tr("Folder name")
                                   : tr("Folder name (inside %1)").arg(parentFolder),
            QLineEdit::Normal, QString(), &ok);
        if (ok && !name.trimmed().isEmpty()) newFolder(parentFolder, name);
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
    connect(m_tree->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            [this] { updateActions(); });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        m_tree->expandAll();
        applySearch();
        updateActions();
    });
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ConnectionsView::applySearch);
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

QStringList ConnectionsView::selectedProfiles() const
{
    QStringList ids;
    for (const QModelIndex &i : m_tree->selectionModel()->selectedRows())
        if (const QString id = i.data(ConnectionModel::ProfileIdRole).toString(); !id.isEmpty())
            ids << id;
    return ids;
}

QStringList ConnectionsView::selectedFolders() const
{
    QStringList folders;
    for (const QModelIndex &i : m_tree->selectionModel()->selectedRows())
        if (i.data(ConnectionModel::IsFolderRole).toBool())
            folders << i.data(ConnectionModel::FolderPathRole).toString();
    return folders;
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
    m_delete->setEnabled(m_tree->selectionModel()->hasSelection() || has);
    m_import->setEnabled(!m_importing);
}

QString ConnectionsView::folderAt(const QPoint &pos) const
{
    const QModelIndex i = m_tree->indexAt(pos);
    if (!i.isValid())
        return QString(QLatin1String("")); // the top level (not null: see m_menuFolder)
    return i.data(ConnectionModel::FolderPathRole).toString();
}

QString ConnectionsView::newFolder(const QString &parent, const QString &name)
{
    const QString path =
        parent.isEmpty() ? name.trimmed() : parent + QLatin1Char('/') + name.trimmed();
    m_sessions->store()->addFolder(path);
    return path;
}

void ConnectionsView::applySearch()
{
    const QString text = m_search->text().trimmed();
    filterRows(QModelIndex(), text, text.isEmpty());
    if (!text.isEmpty()) m_tree->expandAll(); // a match deep in a folder is seen
}

bool ConnectionsView::filterRows(const QModelIndex &parent, const QString &text, bool parentMatches)
{
    bool any = false;
    for (int row = 0; row < m_model->rowCount(parent); ++row) {
        const QModelIndex i = m_model->index(row, 0, parent);
        bool match = parentMatches;
        if (!match) {
            const auto has = [&text](const QString &field) {
                return field.contains(text, Qt::CaseInsensitive);
            };
            if (i.data(ConnectionModel::IsFolderRole).toBool()) {
                match = has(i.data(ConnectionModel::FolderPathRole).toString());
            } else if (const ConnectionProfile *p = m_sessions->store()->profile(
                           i.data(ConnectionModel::ProfileIdRole).toString())) {
                match = has(p->name) || has(p->host) || has(p->addressText()) || has(p->folder) ||
                        has(p->tag);
            }
        }
        // a folder that matches keeps all it holds; one that does not stays for a match inside
        const bool inside = filterRows(i, text, match);
        const bool shown = match || inside;
        m_tree->setRowHidden(row, parent, !shown);
        any = any || shown;
    }
    return any;
}

void ConnectionsView::showMenu(const QPoint &pos)
{
    QMenu menu(this);
    m_menuFolder = folderAt(pos);
    const bool onConnection = !currentProfile().isEmpty() && m_tree->indexAt(pos).isValid();
    if (onConnection) {
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
        menu.addAction(tr("Remove folder with its connections…"), this,
                       [this, folder] { removeFolderWithConnections(folder); });
    }
    if (!onConnection && selectedProfiles().size() + selectedFolders().size() > 1) {
        menu.addSeparator();
        menu.addAction(m_delete);
    }
    menu.addSeparator();
    menu.addAction(m_import);
    menu.addAction(m_export);
    menu.exec(m_tree->viewport()->mapToGlobal(pos));
    m_menuFolder = QString(); // null again: the keyboard's New folder uses the current row
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
    dialog.enableTest(m_sessions->manager());
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
    dialog.enableTest(m_sessions->manager());
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
    if (!m_sessions->store()->profile(profileId)) return false;
    return deleteConnections({profileId});
}

bool ConnectionsView::deleteSelection()
{
    QStringList ids = selectedProfiles();
    if (ids.isEmpty() && selectedFolders().isEmpty() && !currentProfile().isEmpty())
        ids << currentProfile();
    return deleteConnections(ids, selectedFolders());
}

bool ConnectionsView::deleteConnections(const QStringList &profileIds, const QStringList &folders)
{
    ConnectionStore *store = m_sessions->store();
    // everything that goes: the connections named, and those in the folders (and below)
    QStringList ids;
    for (const QString &id : profileIds)
        if (store->profile(id) && !ids.contains(id)) ids << id;
    for (const QString &f : folders)
        for (const QString &id : store->profilesUnder(f))
            if (!ids.contains(id)) ids << id;
    if (ids.isEmpty() && folders.isEmpty()) return false;
    int open = 0;
    QStringList names;
    for (const QString &id : ids) {
        if (m_sessions->state(id) == ConnectionState::Open) ++open;
        if (names.size() < 8)
            names << QLatin1Char('"') + store->profile(id)->name + QLatin1Char('"');
    }
    if (ids.size() > names.size()) names << tr("%n more", nullptr, int(ids.size() - names.size()));
    QString text;
    if (ids.size() == 1 && folders.isEmpty()) {
        const ConnectionProfile *p = store->profile(ids.front());
        text = tr("Delete the connection \"%1\" (%2)%3? Its saved password is removed from the "
                  "keychain too.")
                   .arg(p->name, p->addressText(),
                        open ? tr(", which is open now and will be closed") : QString());
    } else {
        QStringList what;
        if (!folders.isEmpty())
            what << tr("the folder(s) %1", nullptr, int(folders.size()))
                        .arg(folders.join(QStringLiteral(", ")));
        if (!ids.isEmpty())
            what << tr("%n connection(s) (%1)", nullptr, int(ids.size()))
                        .arg(names.join(QStringLiteral(", ")));
        text = tr("Delete %1?").arg(what.join(tr(" and ")));
        if (open) text += tr(" %n of them open now will be closed.", nullptr, open);
        if (!ids.isEmpty()) text += tr(" Their saved passwords are removed from the keychain too.");
    }
    const QString title =
        ids.size() == 1 && folders.isEmpty() ? tr("Delete connection") : tr("Delete connections");
    if (!Confirm::ask(this, title, text, tr("Delete"))) return false;
    ConnectionStore::Batch batch(store); // one save; sessions close and forget as it ends
    store->remove(ids);
    for (const QString &f : folders)
        store->removeFolderWithConnections(f);
    return true;
}

bool ConnectionsView::removeFolderWithConnections(const QString &folder)
{
    if (folder.isEmpty()) return false;
    return deleteConnections({}, {folder});
}

void ConnectionsView::reportImport(int level, const QString &summary)
{
    Q_EMIT message(level, summary);
    Q_EMIT importFinished(summary);
}

void ConnectionsView::importFile(const QString &path)
{
    if (m_importing) {
        Q_EMIT message(1, tr("An import is running already; %1 was not imported").arg(path));
        return;
    }
    m_importing = true;
    updateActions();
    // Reading and parsing a list (a qStudio file is zlib + XML, a Studio file thousands of
    // properties) is a worker's job; only the store is touched here, on the GUI thread.
    auto promise = std::make_shared<QPromise<ServerListImport>>();
    auto *watcher = new QFutureWatcher<ServerListImport>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher] {
        watcher->deleteLater();
        m_importing = false;
        updateActions();
        ServerListImport result;
        if (watcher->future().resultCount() > 0)
            result = watcher->future().result();
        else
            result.error = tr("the file could not be read");
        finishImport(result);
    });
    watcher->setFuture(promise->future());
    promise->start();
    QThreadPool::globalInstance()->start([promise, path] {
        promise->addResult(ServerListImporter::importFile(path));
        promise->finish();
    });
}

void ConnectionsView::finishImport(const ServerListImport &result)
{
    if (!result.ok()) {
        reportImport(2, tr("Import failed: %1").arg(result.error));
        return;
    }
    ConnectionStore *store = m_sessions->store();
    auto choice = ReimportChoice::Duplicate; // nothing is there yet: every entry is new
    const QStringList listed = ServerListImporter::alreadyListed(result, store->profiles());
    if (!listed.isEmpty()) {
        const auto answer =
            ReimportDialog::ask(this, listed, int(result.profiles.size()), result.format);
        if (!answer) {
            reportImport(0, tr("Import cancelled: nothing changed"));
            return;
        }
        choice = *answer;
    }
    const ImportPlan plan = ServerListImporter::plan(result, store->profiles(), choice);
    QHash<QString, QString> passwords; // the ids in the store -> the file's passwords
    {
        ConnectionStore::Batch batch(store); // one save, one tree rebuild
        for (const ConnectionProfile &p : plan.toAdd) {
            const QString id = store->add(p);
            if (const auto it = plan.passwords.constFind(p.id); it != plan.passwords.constEnd())
                passwords.insert(id, *it);
        }
        for (const ConnectionProfile &p : plan.toUpdate)
            store->update(p);
    }
    for (const ConnectionProfile &p : plan.toUpdate)
        if (const auto it = plan.passwords.constFind(p.id); it != plan.passwords.constEnd())
            passwords.insert(p.id, *it);
    const int passwordCount = int(passwords.size());
    storeImportedPasswords(std::move(passwords));

    QStringList parts;
    parts << tr("Imported %n connection(s) from %1", nullptr, int(plan.toAdd.size()))
                 .arg(result.format);
    if (!plan.toUpdate.isEmpty())
        parts << tr("updated %n already listed", nullptr, int(plan.toUpdate.size()));
    if (plan.skipped) parts << tr("left %n already listed as they were", nullptr, plan.skipped);
    if (passwordCount)
        parts << tr("%n password(s) went to the keychain (or this session only if none runs)",
                    nullptr, passwordCount);
    if (!result.warnings.isEmpty())
        parts << tr("%n skipped: %1", nullptr, int(result.warnings.size()))
                     .arg(result.warnings.join(QStringLiteral("; ")));
    reportImport(result.warnings.isEmpty() ? 0 : 1, parts.join(QStringLiteral("; ")));
}

void ConnectionsView::storeImportedPasswords(QHash<QString, QString> passwords)
{
    PasswordStore *keychain = m_sessions->passwords();
    if (passwords.isEmpty()) return;
    if (!keychain->keychainAvailable()) {
        for (auto it = passwords.cbegin(); it != passwords.cend(); ++it)
            keychain->store(it.key(), it.value()); // this session only, at once
        return;
    }
    // Each keychain answer sets the entry's passwordInKeychain flag, which saves the list: one
    // password first, to learn whether a keychain answers, then the rest marked in one batch
    // (one save) so that their answers change nothing.
    const QString first = passwords.cbegin().key();
    const QString firstPassword = passwords.take(first);
    auto once = std::make_shared<QMetaObject::Connection>();
    *once = connect(keychain, &PasswordStore::stored, this,
                    [this, first, rest = std::move(passwords),
                     once](const QString &id, bool inKeychain, const QString &) {
                        if (id != first) return;
                        disconnect(*once);
                        ConnectionStore *store = m_sessions->store();
                        {
                            ConnectionStore::Batch batch(store);
                            for (auto it = rest.cbegin(); it != rest.cend(); ++it) {
                                const ConnectionProfile *p = store->profile(it.key());
                                if (!p || p->passwordInKeychain == inKeychain) continue;
                                ConnectionProfile marked = *p;
                                marked.passwordInKeychain = inKeychain;
                                store->update(marked);
                            }
                        }
                        for (auto it = rest.cbegin(); it != rest.cend(); ++it)
                            m_sessions->passwords()->store(it.key(), it.value());
                    });
    keychain->store(first, firstPassword);
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
