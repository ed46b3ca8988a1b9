import nodemailer from 'nodemailer';
import type { RegionConfig } from '../../config/load.js';

/** Sends one e-mail through the configured SMTP server (nodemailer). */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  /** Stable per notice, so that a receiving server can recognise a repeat. */
  messageId: string;
}

export interface MailSender {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export function createMailSender(config: RegionConfig): MailSender {
  const { smtp, from } = config.mail;
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user && smtp.password ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        messageId: mail.messageId,
        headers: { 'Auto-Submitted': 'auto-generated', 'Content-Language': 'nl' },
      });
    },
    close: () => transport.close(),
  };
}
