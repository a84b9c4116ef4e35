/**
 * "Send Invitation by E-mail…": a mailto: link the user's own mail program opens, with the invitation link
 * in the body and never the password (as Windows asked, the password travels another way).
 */

export interface InvitationMail {
  /** Who asks for help, as the mail names them. */
  readonly sharerName: string;
  /** The invitation link, without its password. */
  readonly link: string;
  /** The same invitation as a web address, for a helper without VS Code (no password either). */
  readonly browserLink?: string;
  readonly expiresAt: number;
}

/** The mail's subject and body as plain text. */
export function invitationMailText(mail: InvitationMail): { subject: string; body: string } {
  const expires = new Date(mail.expiresAt).toUTCString();
  return {
    subject: `${mail.sharerName} is inviting you to start using Remote Assistance`,
    body: [
      `${mail.sharerName} is asking for your help with Remote Assistance in VS Code.`,
      '',
      'With the Remote Assist extension installed, open this link (or run "Remote Assist: Open Invitation Link…" and paste it):',
      mail.link,
      '',
      ...(mail.browserLink ? ['Without VS Code, open this address in a web browser:', mail.browserLink, ''] : []),
      `The invitation works once, until ${expires}.`,
      `${mail.sharerName} will give you the password another way (by phone or chat), not in this mail.`,
    ].join('\r\n'),
  };
}

/** The mailto: URI, percent-encoded as RFC 6068 asks (spaces as %20, line breaks as %0D%0A). */
export function invitationMailto(mail: InvitationMail): string {
  if (/[?&#]secret=/.test(`${mail.link} ${mail.browserLink ?? ''}`)) throw new Error('an invitation mail must not carry the password');
  const { subject, body } = invitationMailText(mail);
  return `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
}
