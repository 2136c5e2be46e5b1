#include "editor/messagebar.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QTimer>

namespace qscope {

MessageBar::MessageBar(QWidget *parent) : QFrame(parent)
{
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    auto *layout = new QHBoxLayout(this);
    const int m = fontMetrics().height() / 3;
    layout->setContentsMargins(m, m, m, m);
    m_icon = new QLabel(this);
    m_text = new QLabel(this);
    m_text->setWordWrap(true);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_action = new QPushButton(this);
    m_close = new QPushButton(tr("Close"), this);
    m_close->setFlat(true);
    layout->addWidget(m_icon);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_action);
    layout->addWidget(m_close);
    m_autoHide = new QTimer(this);
    m_autoHide->setSingleShot(true);
    connect(m_autoHide, &QTimer::timeout, this, &QWidget::hide);
    connect(m_close, &QPushButton::clicked, this, &QWidget::hide);
    connect(m_action, &QPushButton::clicked, this, [this] {
        hide();
        if (m_callback) {
            auto cb = std::move(m_callback);
            m_callback = nullptr;
            cb();
        }
    });
    hide();
}

void MessageBar::showMessage(Level level, const QString &text)
{
    showMessage(level, text, QString(), nullptr);
}

void MessageBar::showMessage(Level level, const QString &text, const QString &actionText,
                             std::function<void()> action)
{
    m_level = level;
    m_text->setText(text);
    m_callback = std::move(action);
    m_action->setText(actionText);
    m_action->setVisible(!actionText.isEmpty());
    const QStyle::StandardPixmap sp = level == Error     ? QStyle::SP_MessageBoxCritical
                                      : level == Warning ? QStyle::SP_MessageBoxWarning
                                                         : QStyle::SP_MessageBoxInformation;
    const int size = fontMetrics().height();
    m_icon->setPixmap(style()->standardIcon(sp).pixmap(size, size));
    // from the application palette: our own was tinted for the previous theme
    QPalette pal = QApplication::palette();
    const QColor base = pal.color(QPalette::Window);
    const QColor tint = level == Error     ? QColor(0xd9, 0x3a, 0x32)
                        : level == Warning ? QColor(0xe0, 0x9b, 0x1a)
                                           : QColor(0x2f, 0x6f, 0xd6);
    QColor mixed;
    mixed.setRgbF(base.redF() * 0.8f + tint.redF() * 0.2f,
                  base.greenF() * 0.8f + tint.greenF() * 0.2f,
                  base.blueF() * 0.8f + tint.blueF() * 0.2f);
    pal.setColor(QPalette::Window, mixed);
    setPalette(pal);
    show();
    if (level == Info && actionText.isEmpty())
        m_autoHide->start(8000);
    else
        m_autoHide->stop();
}

QString MessageBar::text() const
{
    return isHidden() ? QString() : m_text->text();
}

} // namespace qscope
