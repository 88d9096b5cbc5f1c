// nock must patch fetch before any Slack client exists (see shared/engineering-notes.md), and the
// network stays shut but for loopback so that no test reaches out.
import nock from 'nock';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
