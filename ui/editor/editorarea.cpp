#include "editor/editorarea.h"

#include "app/confirm.h"
#include "connections/connectionstore.h"
#include "connections/serversessions.h"
#include "editor/editortab.h"
#include "editor/emptyhint.h"
#include "editor/qlexer.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
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
    // the window's toolbar shows the combo (MainWindow puts it there, beside Run)
    m_server = new QComboBox(this);
    m_server->setObjectName(QStringLiteral("serverCombo"));
    m_server->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_server->setToolTip(tr("The server this tab's queries run on"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tabs);

    connect(m_tabs, &QTabWidget::tabCloseRequested, this, [this](int i) { closeTab(i); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this] {
        syncCombo();
        Q_EMIT currentTabChanged(current());
        Q_EMIT currentProfileChanged(current() ? current()->profileId() : QString());
        Q_EMIT sessionChanged();
    });
    connect(m_tabs->tabBar(), &QTabBar::tabMoved, this, &EditorArea::sessionChanged);
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
        m_server->addItem(Theme::tagIcon(p.tag), p.name, p.id);
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
    if (m_recovered.contains(tab)) t += tr(" (recovered)");
    return t;
}

void EditorArea::refreshTitles()
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *tab = qobject_cast<EditorTab *>(m_tabs->widget(i));
        if (!tab) continue;
        m_tabs->setTabText(i, title(tab));
        const ConnectionProfile *p = m_sessions->store()->profile(tab->profileId());
        // the tag's square if it has one, else the state's dot or cross: never both in one shape
        const QIcon tag = p ? Theme::tagIcon(p->tag) : QIcon();
        m_tabs->setTabIcon(i, !tag.isNull() ? tag
                              : p           ? Theme::stateIcon(int(m_sessions->state(p->id)))
                                            : QIcon());
        QString tip = tab->filePath().isEmpty() ? tr("Unsaved buffer") : tab->filePath();
        if (m_recovered.contains(tab))
            tip += tr("\nRecovered: qscope did not close last time; this is the text it had.");
        if (p)
            tip += QStringLiteral("\n") + p->name + QStringLiteral(" (") + p->addressText() +
                   QStringLiteral(")") +
                   (p->tag.isEmpty() ? QString() : QStringLiteral(" ") + p->tag.toUpper()) +
                   QStringLiteral(": ") + connectionStateName(m_sessions->state(p->id));
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
    adopt(tab);
    Q_EMIT tabOpened(tab);
    const int i = m_tabs->addTab(tab, title(tab));
    m_tabs->setCurrentIndex(i);
    refreshTitles();
    tab->setFocus();
    return tab;
}

void EditorArea::adopt(EditorTab *tab)
{
    new EmptyHint(tab); // owned by the tab
    connect(tab, &EditorTab::modificationChanged, this, [this] {
        refreshTitles();
        Q_EMIT sessionChanged();
    });
    connect(tab, &EditorTab::profileChanged, this, [this, tab](const QString &id) {
        refreshTitles();
        if (tab == current()) {
            syncCombo();
            Q_EMIT currentProfileChanged(id);
        }
        Q_EMIT sessionChanged();
    });
    connect(tab, &EditorTab::textChanged, this, &EditorArea::sessionChanged);
    connect(tab, &EditorTab::cursorPositionChanged, this, &EditorArea::sessionChanged);
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
    adopt(t);
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
    m_recovered.remove(t); // saved: the text is the user's file again
    refreshTitles();
    Q_EMIT sessionChanged();
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
    m_recovered.remove(t);
    refreshTitles();
    Q_EMIT sessionChanged();
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
    m_recovered.remove(t);
    m_tabs->removeTab(index);
    t->deleteLater();
    Q_EMIT sessionChanged();
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

QList<EditorArea::TabState> EditorArea::tabStates() const
{
    QList<TabState> out;
    out.reserve(m_tabs->count());
    for (int i = 0; i < m_tabs->count(); ++i) {
        const EditorTab *t = tab(i);
        TabState st;
        st.id = t->tabId();
        st.file = t->filePath();
        st.profile = t->profileId();
        st.untitled = t->untitledName();
        st.modified = t->isModified();
        st.recovered = m_recovered.contains(t);
        // unsaved work survives a restart: the buffer of an untitled or modified tab is kept
        if (st.file.isEmpty() || st.modified) st.text = t->text();
        t->getCursorPosition(&st.line, &st.column);
        out << st;
    }
    return out;
}

void EditorArea::saveSession(QSettings &s) const
{
    const QList<TabState> tabs = tabStates();
    s.beginWriteArray(QStringLiteral("tabs"), int(tabs.size()));
    for (int i = 0; i < tabs.size(); ++i) {
        s.setArrayIndex(i);
        const TabState &t = tabs[i];
        s.setValue(QStringLiteral("id"), t.id);
        s.setValue(QStringLiteral("file"), t.file);
        s.setValue(QStringLiteral("profile"), t.profile);
        s.setValue(QStringLiteral("text"), t.text);
        s.setValue(QStringLiteral("modified"), t.modified);
        s.setValue(QStringLiteral("line"), t.line);
        s.setValue(QStringLiteral("column"), t.column);
    }
    s.endArray();
    s.setValue(QStringLiteral("currentTab"), m_tabs->currentIndex());
}

void EditorArea::restoreSession(QSettings &s, const QString &fallbackProfile)
{
    QList<TabState> tabs;
    const int n = s.beginReadArray(QStringLiteral("tabs"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        TabState t;
        t.id = s.value(QStringLiteral("id")).toString();
        t.file = s.value(QStringLiteral("file")).toString();
        t.profile = s.value(QStringLiteral("profile")).toString();
        t.text = s.value(QStringLiteral("text")).toString();
        t.modified = s.value(QStringLiteral("modified")).toBool();
        t.line = s.value(QStringLiteral("line")).toInt();
        t.column = s.value(QStringLiteral("column")).toInt();
        tabs << t;
    }
    s.endArray();
    restoreTabs(tabs, s.value(QStringLiteral("currentTab"), 0).toInt(), fallbackProfile);
}

QStringList EditorArea::restoreTabs(const QList<TabState> &tabs, int current,
                                    const QString &fallbackProfile, bool recovered)
{
    QStringList missing, withText;
    for (const TabState &st : tabs) {
        const QString &file = st.file;
        const QString profile =
            m_sessions->store()->profile(st.profile) ? st.profile : fallbackProfile;
        const QString &text = st.text;
        EditorTab *t = nullptr;
        bool keptText = false;
        if (!file.isEmpty() && QFileInfo::exists(file)) {
            t = openFile(file, profile); // as on disk: unmodified
            // kept text of a tab that had unsaved edits: show it, modified unless the file on
            // disk now holds exactly that text
            if (t && st.modified && !text.isEmpty() && text != t->text()) {
                t->selectAll();
                t->replaceSelectedText(text); // an edit, so the buffer is marked modified
                keptText = true;
            }
        } else {
            if (!file.isEmpty()) missing << file;
            if (file.isEmpty() || !text.isEmpty()) {
                // an untitled buffer (or a file that went away) exists only in the session: it
                // is unsaved work, so it shows as modified whenever it holds text. insert() is
                // an edit, which is what marks a QScintilla buffer (setModified(true) cannot).
                t = newTab(profile);
                if (!st.untitled.isEmpty()) {
                    t->setUntitledName(st.untitled);
                    // later new tabs count on from the restored names ("Untitled 4" after 3)
                    m_untitled =
                        qMax(m_untitled, st.untitled.section(QLatin1Char(' '), -1).toInt());
                }
                t->insert(text);
                keptText = !text.isEmpty();
            }
        }
        if (!t) continue;
        t->setCursorPosition(st.line, st.column);
        if (!st.id.isEmpty()) t->setTabId(st.id);
        // a tab restored from the journal stays marked until saved, even across a second crash
        if (keptText && (recovered || st.recovered)) {
            m_recovered.insert(t);
            withText << t->displayName();
        }
    }
    if (current >= 0 && current < m_tabs->count()) m_tabs->setCurrentIndex(current);
    if (!missing.isEmpty())
        Q_EMIT message(
            1, tr("Not reopened (no longer there): %1").arg(missing.join(QStringLiteral(", "))));
    refreshTitles();
    return withText;
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
