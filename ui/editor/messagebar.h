#pragma once
/// An inline message over the editor (KeePassXC's MessageWidget): errors, warnings and notes
/// that need no dialog. Optional action button; closes on its own for info messages.

#include <QFrame>

#include <functional>

class QLabel;
class QPushButton;
class QTimer;

namespace qscope {

class MessageBar : public QFrame
{
    Q_OBJECT
public:
    enum Level { Info = 0, Warning = 1, Error = 2 };
    explicit MessageBar(QWidget *parent = nullptr);

    // GUI thread ------------------------------------------------------------------------------
    void showMessage(Level level, const QString &text);
    /// With a button that runs `action` (then hides the bar).
    void showMessage(Level level, const QString &text, const QString &actionText,
                     std::function<void()> action);
    QString text() const;
    Level level() const { return m_level; }

private:
    QLabel *m_icon;
    QLabel *m_text;
    QPushButton *m_action;
    QPushButton *m_close;
    QTimer *m_autoHide;
    std::function<void()> m_callback;
    Level m_level = Info;
};

} // namespace qscope
