import { createFacebookAdapter } from '../../../src/platforms/adapters/facebook';
import { createTrustpilotAdapter } from '../../../src/platforms/adapters/trustpilot';
import { FetchPlatformHttp } from '../../../src/platforms/adapters/fetch-platform-http';

const http = new FetchPlatformHttp();

describe('adapter options', () => {
  it('the Facebook adapter refuses to start without a pinned Graph version', () => {
    expect(() => createFacebookAdapter({ http, graphVersion: 'latest' })).toThrow(/graphVersion/);
    expect(() => createFacebookAdapter({ http, graphVersion: '' })).toThrow(/graphVersion/);
    expect(createFacebookAdapter({ http, graphVersion: 'v21.0' })).toMatchObject({
      platform: 'facebook',
      supportsReplies: true,
    });
  });

  it('the Trustpilot adapter replies by API', () => {
    expect(createTrustpilotAdapter({ http })).toMatchObject({
      platform: 'trustpilot',
      supportsReplies: true,
    });
  });
});
