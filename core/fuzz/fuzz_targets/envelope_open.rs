//! `open` on untrusted bytes: must never panic, and must only accept what was sealed.
#![no_main]

use agentnet_core::crypto::envelope::{self, MessageId, Options, Suite};
use agentnet_core::crypto::prekey::Ring;
use agentnet_core::crypto::replay::SeenIds;
use agentnet_core::identity::Keypair;
use libfuzzer_sys::fuzz_target;
use rand::SeedableRng;
use rand::rngs::StdRng;

const NOW: u64 = 1_767_225_600;

fuzz_target!(|data: &[u8]| {
    let mut rng = StdRng::seed_from_u64(7);
    let alice = Keypair::from_secret_bytes(&[1; 32]);
    let bob = Keypair::from_secret_bytes(&[2; 32]);
    let mut ring = Ring::new(&bob, NOW, &mut rng);
    ring.add_one_time(1, NOW, &mut rng);
    let mut seen = SeenIds::new(4);
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode & 1 == 0 {
        // Raw bytes straight from the network.
        let _ = envelope::open(&mut ring, rest, NOW, &mut seen);
        return;
    }
    // A real envelope with fuzzer-chosen content, then one fuzzer-chosen byte changed.
    let Some((&pos, content)) = rest.split_first() else { return };
    let suite = if mode & 2 == 0 { Suite::ChaCha20Poly1305 } else { Suite::Aes256Gcm };
    let options = Options { suite, one_time: mode & 4 != 0 };
    let bundle = ring.bundle(&bob);
    let sealed = envelope::seal_with(options, &alice, &bundle, MessageId([mode; 16]), NOW, content, &mut rng)
        .expect("sealing to a fresh bundle works")
        .to_bytes();
    let mut tampered = sealed.clone();
    let index = usize::from(pos) * tampered.len() / 256;
    tampered[index] ^= mode | 1;
    assert!(envelope::open(&mut ring, &tampered, NOW, &mut seen).is_err(), "tampered envelope opened");
    let opened = envelope::open(&mut ring, &sealed, NOW, &mut seen).expect("sealed envelope opens");
    assert_eq!(opened.plaintext, content);
    assert!(envelope::open(&mut ring, &sealed, NOW, &mut seen).is_err(), "replay accepted");
});
