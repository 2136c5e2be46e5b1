#include "editor/editorarea.h"

#include "app/confirm.h"
#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "editor/editortab.h"
#include "editor/qlexer.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QSettings>
#include <QTabBar>
#include <QTabWidget>
#include <QVBoxLayout>

namespace qscope {

EditorArea::EditorArea(ServerSessions *sessions, QWidget *parent)
    : QWidget(parent), m_sessions(sessions), m_lexer(new QLexer(this))
{
    m_tabs = new QTabWidget(this);
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    auto *corner = new QWidget(m_tabs);
    auto *cl = new QHBoxLayout(corner);
    cl->setContentsMargins(0, 0, 0, 0);
    cl->addWidget(new QLabel(tr("Server:"), corner));
    m_server = new QComboBox(corner);
    m_server->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_server->setToolTip(tr("The server this tab's queries run on"));
    cl->addWidget(m_server);
    m_tabs->setCornerWidget(corner, Qt::TopRightCorner);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) { closeTab(i); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        syncCombo();
        Q_EMIT currentTabChanged(current());
        Q_EMIT currentProfileChanged(current() ? current()->profileId() : QString());
    });
    connect(m_server, &QComboBox::currentIndexChanged, this, [this] {
        if (m_syncing || !current()) return;
        current()->setProfileId(m_server->currentData().toString());
    });
    connect(m_sessions->store(), &ConnectionStore::changed, this, [this] {
        refreshServers();
        refreshTitles();
    });
    connect(m_sessions, &ServerSessions::stateChanged, this, [this] { refreshTitles(); });
    refreshServers();
}

void EditorArea::refreshServers()
{
    m_syncing = true;
    m_server->clear();
    m_server->addItem(tr("(none)"), QString());
    for (const auto &p : m_sessions->store()->profiles()) {
        const QColor c = Theme::tagColor(p.tag);
        if (c.isValid())
            m_server->addItem(Theme::dotIcon(c), p.name, p.id);
        else
            m_server->addItem(p.name, p.id);
    }
    m_syncing = false;
    syncCombo();
}

void EditorArea::syncCombo()
{
    m_syncing = true;
    const QString id = current() ? current()->profileId() : QString();
    m_server->setCurrentIndex(qMax(0, m_server->findData(id)));
    m_server->setEnabled(current() != nullptr);
    m_syncing = false;
}

QString EditorArea::title(const EditorTab *tab) const
{
    QString t = tab->displayName();
    if (tab->isBusy()) t = QStringLiteral("\u25B6 ") + t; // a query of this tab runs
    if (const ConnectionProfile *p = m_sessions->store()->profile(tab->profileId()))
        t += QStringLiteral(" @ ") + p->name;
    if (tab->isModified()) t += QStringLiteral(" *");
    return t;
}

void EditorArea::refreshTitles()
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *tab = qobject_cast<EditorTab *>(m_tabs->widget(i));
        if (!tab) continue;
        m_tabs->setTabText(i, title(tab));
        const ConnectionProfile *p = m_sessions->store()->profile(tab->profileId());
        const QColor c = p ? Theme::tagColor(p->tag) : QColor();
        m_tabs->setTabIcon(
            i, c.isValid() ? Theme::dotIcon(c)
                           : (p ? Theme::stateIcon(int(m_sessions->state(p->id))) : QIcon()));
        QString tip = tab->filePath().isEmpty() ? tr("Unsaved buffer") : tab->filePath();
        if (p)
            tip += QStringLiteral("\n") + p->name + QStringLiteral(" (") + p->addressText() +
                   QStringLiteral(")") +
                   (p->tag.isEmpty() ? QString() : QStringLiteral(" ") + p->tag.toUpper()) +
                   QStringLiteral(": ") + ServerSessions::stateName(m_sessions->state(p->id));
        m_tabs->setTabToolTip(i, tip);
    }
}

EditorTab *EditorArea::newTab(const QString &profileId, const QString &text)
{
    auto *tab = new EditorTab(m_lexer, m_tabs);
    tab->setUntitledName(tr("Untitled %1").arg(++m_untitled));
    tab->setProfileId(profileId);
    tab->setText(text);
    tab->setModified(false);
    connect(tab, &EditorTab::modificationChanged, this, [this] { refreshTitles(); });
    connect(tab, &EditorTab::profileChanged, this, [this, tab](const QString &id) {
        refreshTitles();
        if (tab == current()) {
            syncCombo();
            Q_EMIT currentProfileChanged(id);
        }
    });
    Q_EMIT tabOpened(tab);
    const int i = m_tabs->addTab(tab, title(tab));
    m_tabs->setCurrentIndex(i);
    refreshTitles();
    tab->setFocus();
    return tab;
}

EditorTab *EditorArea::openFile(const QString &path, const QString &profileId)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    for (int i = 0; i < m_tabs->count(); ++i)
        if (auto *t = tab(i); t && t->filePath() == abs) {
            m_tabs->setCurrentIndex(i);
            return t;
        }
    auto *t = new EditorTab(m_lexer, m_tabs);
    if (const QString err = t->loadFile(path); !err.isEmpty()) {
        delete t;
        Q_EMIT message(2, err);
        return nullptr;
    }
    t->setProfileId(profileId);
    connect(t, &EditorTab::modificationChanged, this, [this] { refreshTitles(); });
    connect(t, &EditorTab::profileChanged, this, [this, t](const QString &id) {
        refreshTitles();
        if (t == current()) {
            syncCombo();
            Q_EMIT currentProfileChanged(id);
        }
    });
    Q_EMIT tabOpened(t);
    m_tabs->setCurrentIndex(m_tabs->addTab(t, title(t)));
    refreshTitles();
    return t;
}

bool EditorArea::save(EditorTab *t)
{
    if (!t) return false;
    if (t->filePath().isEmpty()) return saveAs(t);
    if (const QString err = t->saveFile(t->filePath()); !err.isEmpty()) {
        Q_EMIT message(2, err);
        return false;
    }
    refreshTitles();
    return true;
}

bool EditorArea::saveAs(EditorTab *t)
{
    if (!t) return false;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Save q script"),
        t->filePath().isEmpty() ? t->untitledName() + QStringLiteral(".q") : t->filePath(),
        tr("q scripts (*.q *.k);;All files (*)"));
    if (path.isEmpty()) return false;
    if (const QString err = t->saveFile(path); !err.isEmpty()) {
        Q_EMIT message(2, err);
        return false;
    }
    refreshTitles();
    return true;
}

bool EditorArea::closeTab(int index)
{
    EditorTab *t = tab(index);
    if (!t) return false;
    if (t->isModified() && !t->text().isEmpty()) {
        const Confirm::Answer a = Confirm::askSave(
            this, tr("Close tab"), tr("%1 has unsaved changes. Save them?").arg(t->displayName()));
        if (a == Confirm::Cancel) return false;
        if (a == Confirm::Yes && !save(t)) return false;
    }
    Q_EMIT tabClosing(t);
    m_tabs->removeTab(index);
    t->deleteLater();
    return true;
}

bool EditorArea::closeAll()
{
    while (m_tabs->count() > 0)
        if (!closeTab(m_tabs->count() - 1)) return false;
    return true;
}

EditorTab *EditorArea::current() const
{
    return qobject_cast<EditorTab *>(m_tabs->currentWidget());
}

EditorTab *EditorArea::tab(int index) const
{
    return qobject_cast<EditorTab *>(m_tabs->widget(index));
}

int EditorArea::count() const
{
    return m_tabs->count();
}

void EditorArea::saveSession(QSettings &s) const
{
    s.beginWriteArray(QStringLiteral("tabs"), m_tabs->count());
    for (int i = 0; i < m_tabs->count(); ++i) {
        s.setArrayIndex(i);
        const EditorTab *t = tab(i);
        s.setValue(QStringLiteral("id"), t->tabId());
        s.setValue(QStringLiteral("file"), t->filePath());
        s.setValue(QStringLiteral("profile"), t->profileId());
        // unsaved work survives a restart: the buffer of an untitled or modified tab is kept
        const bool keepText = t->filePath().isEmpty() || t->isModified();
        s.setValue(QStringLiteral("text"), keepText ? t->text() : QString());
        s.setValue(QStringLiteral("modified"), t->isModified());
        int line = 0, col = 0;
        t->getCursorPosition(&line, &col);
        s.setValue(QStringLiteral("line"), line);
    }
    s.endArray();
    s.setValue(QStringLiteral("currentTab"), m_tabs->currentIndex());
}

void EditorArea::restoreSession(QSettings &s, const QString &fallbackProfile)
{
    const int n = s.beginReadArray(QStringLiteral("tabs"));
    QStringList missing;
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        const QString file = s.value(QStringLiteral("file")).toString();
        QString profile = s.value(QStringLiteral("profile")).toString();
        if (!m_sessions->store()->profile(profile)) profile = fallbackProfile;
        const QString text = s.value(QStringLiteral("text")).toString();
        EditorTab *t = nullptr;
        if (!file.isEmpty() && QFileInfo::exists(file)) {
            t = openFile(file, profile); // as on disk: unmodified
            // kept text of a tab that had unsaved edits: show it, modified unless the file on
            // disk now holds exactly that text
            if (t && s.value(QStringLiteral("modified")).toBool() && !text.isEmpty() &&
                text != t->text()) {
                t->selectAll();
                t->replaceSelectedText(text); // an edit, so the buffer is marked modified
            }
        } else {
            if (!file.isEmpty()) missing << file;
            if (file.isEmpty() || !text.isEmpty()) {
                // an untitled buffer (or a file that went away) exists only in the session: it
                // is unsaved work, so it shows as modified whenever it holds text. insert() is
                // an edit, which is what marks a QScintilla buffer (setModified(true) cannot).
                t = newTab(profile);
                t->insert(text);
            }
        }
        if (t) {
            t->setCursorPosition(s.value(QStringLiteral("line")).toInt(), 0);
            if (const QString id = s.value(QStringLiteral("id")).toString(); !id.isEmpty())
                t->setTabId(id);
        }
    }
    s.endArray();
    const int cur = s.value(QStringLiteral("currentTab"), 0).toInt();
    if (cur >= 0 && cur < m_tabs->count()) m_tabs->setCurrentIndex(cur);
    if (!missing.isEmpty())
        Q_EMIT message(
            1, tr("Not reopened (no longer there): %1").arg(missing.join(QStringLiteral(", "))));
    refreshTitles();
}

void EditorArea::applyTheme()
{
    m_lexer->applyTheme();
    for (int i = 0; i < m_tabs->count(); ++i)
        if (EditorTab *t = tab(i)) t->applyTheme();
    refreshServers();
    refreshTitles();
}

} // namespace qscope
