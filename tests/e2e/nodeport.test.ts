import { fixture, fixtureItems } from './fixtures';
import { minikubeServiceUrl, nodePortOf, nodePortUrls } from './nodeport';
import type { INode, IService } from './types';

describe('reaching a NodePort Service from outside', () => {
  it("on minikube: the node's InternalIP and the allocated node port", () => {
    expect(nodePortUrls(fixture<IService>('svc-squash-nodeport'), fixtureItems<INode>('nodes-minikube'))).toEqual([
      'http://192.168.49.2:31380',
    ]);
  });

  it('on a cloud cluster: Ready nodes first, ExternalIP before InternalIP, IPv6 in brackets', () => {
    expect(nodePortUrls(fixture<IService>('svc-squash-nodeport'), fixtureItems<INode>('nodes-cloud'))).toEqual([
      'http://203.0.113.11:31380',
      'http://10.0.0.6:31380',
      'http://[2001:db8::6]:31380',
      'http://203.0.113.10:31380',
      'http://10.0.0.5:31380',
    ]);
  });

  it('refuses a ClusterIP Service, saying which value to set', () => {
    expect(() => nodePortOf(fixture<IService>('svc-squash-clusterip'))).toThrow(
      'service/squash-squash-tm is of type ClusterIP: it has no node port. Use values with squash.service.type=NodePort.',
    );
  });

  it('refuses a NodePort Service whose port has no node port yet', () => {
    const service = fixture<IService>('svc-squash-nodeport');
    delete service.spec!.ports![0]!.nodePort;
    expect(() => nodePortOf(service)).toThrow('service/squash-squash-tm port http has no nodePort allocated yet');
  });

  it('refuses nodes without addresses', () => {
    expect(() => nodePortUrls(fixture<IService>('svc-squash-nodeport'), [])).toThrow(/no node has an ExternalIP or InternalIP/);
  });
});

describe('minikube service --url output', () => {
  it('finds the URL among the tunnel notices', () => {
    const output = [
      'http://127.0.0.1:54021',
      '❗  Because you are using a Docker driver on darwin, the terminal needs to be open to run it.',
    ].join('\n');
    expect(minikubeServiceUrl(output)).toBe('http://127.0.0.1:54021');
    expect(minikubeServiceUrl('🏃  Starting tunnel for service squash-squash-tm.\n')).toBeUndefined();
  });
});
