import { expect } from 'chai';
import { noticeMail } from '../../region/mail/notice-mail.js';
import { describeNotice, type NoticeView } from '../../region/portal/notice-view.js';

/** What a move notice says, in the portal and in the e-mail, to the professional and to the new municipality's checker (7.1.2.3(g)). */
describe('the words of a move notice', () => {
  const base = { id: 'n1', kind: 'move', matchId: null, createdAt: '2026-03-02T09:00:00.000Z', read: false, family: false } as const;

  it('tells the professional where their youth moved, with a link to the signal', () => {
    const view = { ...base, signalId: 'sig-1', municipality: '0363', inArea: false } as unknown as NoticeView;
    expect(String(describeNotice(view, '/portal/matches/'))).to.equal(
      'De jeugdige van uw melding is volgens de Basisregistratie Personen verhuisd naar gemeente 0363, buiten het convenantgebied. <a class="utrecht-link" href="/portal/meldingen/sig-1">Naar de melding</a>',
    );
    const mail = noticeMail({ kind: 'move', recipientKind: 'professional', matchId: null, payload: { signalId: 'sig-1' } }, 'https://vir.example.org', 'Utrecht');
    expect(mail.subject).to.equal('Verwijsindex: De jeugdige van uw melding is verhuisd');
    expect(mail.text).to.contain('https://vir.example.org/portal/meldingen/sig-1');
  });

  it('tells the checker of the new municipality that a youth with a signal moved in, not that a match arose', () => {
    const view = { ...base, municipality: '0356', inArea: true } as unknown as NoticeView;
    expect(String(describeNotice(view, '/portal/toezicht/matches/'))).to.contain('naar uw gemeente (0356) verhuisd');
    const mail = noticeMail({ kind: 'move', recipientKind: 'checker', matchId: null, payload: {} }, 'https://vir.example.org', 'Utrecht');
    expect(mail.subject).to.equal('Verwijsindex: Een jeugdige met een melding is naar uw gemeente verhuisd');
    expect(mail.text).not.to.contain('match');
  });
});

describe('the words of a participant-left e-mail', () => {
  it('does not say the other professional removed their signal, which the index may have done itself at the end of the term', () => {
    const mail = noticeMail({ kind: 'participant-left', recipientKind: 'professional', matchId: 'm1', payload: { matchEnded: true } }, 'https://vir.example.org', 'Utrecht');
    expect(mail.text).to.contain('of door de verwijsindex zelf na afloop van de termijn');
    expect(mail.text).not.to.contain('heeft zijn of haar melding verwijderd');
  });
});
